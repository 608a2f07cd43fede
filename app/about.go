package app

import (
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/assets"
)

// website is the project's home, as FyneApp.toml gives it.
const website = "https://github.com/bragg-xrd/bragg"

// aboutFacts is what About says of the database.
type aboutFacts struct {
	DBVersion string
	Bundled   int // bundled entries
	Replaced  int // of them, left out because a user entry replaces them
	User      int // the user's entries
	UserPath  string
	Refused   int   // structures the sanity gate left out of the bundled database
	Err       error // reading the database
}

// aboutFacts reads the database's counts.
func (u *UI) aboutFacts() aboutFacts {
	var f aboutFacts
	s := u.services.Store
	if s == nil {
		return f
	}
	bundled, err := s.Bundled()
	if err != nil {
		f.Err = err
		return f
	}
	f.DBVersion, f.Bundled, f.Refused = bundled.Version, len(bundled.Phases), len(bundled.Refused)
	lib, err := s.Library()
	if err != nil {
		f.Err = err
		return f
	}
	f.UserPath = s.UserPath()
	for _, part := range lib.Parts {
		if part.User() {
			f.User += part.Len()
		}
		f.Replaced += part.Replaced()
	}
	return f
}

// databaseText describes the database in a sentence or two.
func (f aboutFacts) databaseText() string {
	if f.Err != nil {
		return "The reference database cannot be read: " + f.Err.Error()
	}
	if f.DBVersion == "" {
		return "No reference database in this build."
	}
	s := fmt.Sprintf("Reference database %s: %d bundled phases (%d structures refused by the sanity gate); %d of your own",
		f.DBVersion, f.Bundled, f.Refused, f.User)
	if f.UserPath != "" {
		s += " in " + f.UserPath
	}
	s += "."
	if f.Replaced > 0 {
		s += fmt.Sprintf(" %d bundled entries are replaced by yours.", f.Replaced)
	}
	return s
}

// ShowAbout opens the About window: the version, the database and its
// counts, the licences of the code and of the data, and the references
// the program is built on.
func (u *UI) ShowAbout() fyne.Window {
	w := u.app.NewWindow("About Bragg")

	title := widget.NewLabelWithStyle("Bragg "+firstNonEmpty(u.services.Version, "development build"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	icon := canvas.NewImageFromResource(fyne.NewStaticResource("Icon.png", assets.IconPNG()))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))
	tagline := widget.NewLabel("Powder X-ray diffraction: open a scan, find its peaks and the phases that explain them, " +
		"with an open reference database inside the program.")
	tagline.Wrapping = fyne.TextWrapWord
	link := widget.NewHyperlink(website, mustURL(website))
	head := container.NewBorder(nil, nil, icon, nil, container.NewVBox(title, tagline, link))

	db := widget.NewLabel("Reading the reference database…")
	db.Wrapping = fyne.TextWrapWord

	code := widget.NewLabel("The program is free software under the MIT licence, Copyright (c) 2026 The Bragg authors. " +
		"It is built with Fyne (BSD-3-Clause), gonum and gonum/plot (BSD-3-Clause) and excelize (BSD-3-Clause).")
	code.Wrapping = fyne.TextWrapWord

	data := widget.NewRichText(licenceText(assets.DataLicenses())...)
	data.Wrapping = fyne.TextWrapWord

	refs := widget.NewRichTextFromMarkdown(references)
	refs.Wrapping = fyne.TextWrapWord

	use := widget.NewLabel("Pattern view: wheel zooms 2θ about the pointer · drag pans · double-click shows the whole scan. " +
		"Manual background: drag a handle to move it · right-click adds a point, or removes the one clicked. " +
		"Database ▸ Browse searches the reference database; View ▸ Teaching mode shows how a structure makes its pattern.")
	use.Wrapping = fyne.TextWrapWord

	section := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	body := container.NewVBox(head, widget.NewSeparator(),
		section("Reference database"), db,
		section("Licences"), code, data,
		section("Built on"), refs,
		section("Using the window"), use)
	w.SetContent(container.NewVScroll(container.NewPadded(body)))
	// The user's database is read from its file: off the UI goroutine.
	work := &worker{do: u.do, inline: u.inline}
	work.submit(func() func() {
		f := u.aboutFacts()
		return func() {
			db.SetText(f.databaseText())
			body.Refresh() // its height may have changed
		}
	})
	w.Resize(fyne.NewSize(760, 720))
	w.Show()
	return w
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// licenceText turns assets/DATA_LICENSES.md into rich text: the title as
// a heading, the paragraphs as they are, the table of sources as a list
// ("source — entries — licence"). Fyne's Markdown would draw no table and
// splits words at underscores ("Dans_Diffraction"), so the few forms the
// file uses are read here: `code` and **bold** marks are dropped.
func licenceText(md string) []widget.RichTextSegment {
	plain := strings.NewReplacer("`", "", "**", "")
	var segs []widget.RichTextSegment
	var para []string
	flush := func() {
		if len(para) > 0 {
			segs = append(segs, &widget.TextSegment{Text: plain.Replace(strings.Join(para, " ")), Style: widget.RichTextStyleParagraph})
			para = nil
		}
	}
	var list *widget.ListSegment
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "# "):
			flush()
			segs = append(segs, &widget.TextSegment{Text: strings.TrimPrefix(t, "# "), Style: widget.RichTextStyleSubHeading})
		case strings.HasPrefix(t, "|"):
			flush()
			cells := strings.Split(strings.Trim(t, "|"), "|")
			for i := range cells {
				cells[i] = plain.Replace(strings.TrimSpace(cells[i]))
			}
			if len(cells) != 3 || strings.HasPrefix(cells[0], "---") || cells[0] == "source collection" {
				continue
			}
			if list == nil {
				list = &widget.ListSegment{}
				segs = append(segs, list)
			}
			list.Items = append(list.Items, &widget.ParagraphSegment{Texts: []widget.RichTextSegment{
				&widget.TextSegment{Text: fmt.Sprintf("%s — %s entries — %s", cells[0], cells[1], cells[2]), Style: widget.RichTextStyleInline}}})
		case t == "":
			flush()
		default:
			para = append(para, t)
		}
	}
	flush()
	return segs
}

// references are the works Bragg's science follows, as its code cites
// them.
const references = `- Bragg's law: W. L. Bragg (1913), Proc. Camb. Phil. Soc. 17, 43. The Ewald construction: P. P. Ewald (1921), Z. Kristallogr. 56, 129.
- Powder pattern simulation: International Tables for Crystallography Vol. C (2004), §6.1 and §6.2; form factors of D. Waasmaier & A. Kirfel (1995), Acta Cryst. A51, 416; anomalous dispersion of S. Sasaki (1989), KEK Report 88-14.
- Wavelengths: G. Hölzer et al. (1997), Phys. Rev. A 56, 4554, and International Tables Vol. C, Table 4.2.2.1.
- Space groups: International Tables for Crystallography Vol. A and Vol. B; S. R. Hall (1981), Acta Cryst. A37, 517.
- Phase search: J. D. Hanawalt, H. W. Rinn & L. K. Frevel (1938), Ind. Eng. Chem. Anal. Ed. 10, 457; RIR quantification: F. H. Chung (1974), J. Appl. Cryst. 7, 519.
- Crystallography Open Database: S. Gražulis et al. (2012), Nucleic Acids Res. 40, D420. AFLOW prototypes: M. J. Mehl et al. (2017), Comput. Mater. Sci. 136, S1.
`
