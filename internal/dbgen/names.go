package main

import (
	"math"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// knownPhase names a mineral by its chemistry and space group, for the
// many entries whose files give only a formula or a systematic name.
type knownPhase struct {
	// Formula is written as a chemist does, with groups and hydrate
	// water: it is shown as the entry's chemical formula whenever the
	// entry has its element proportions, whatever the space group (the
	// chemistry of gibbsite and bayerite is one).
	Formula string
	Mineral string
	// SG are the space-group numbers of the mineral (ITC Vol. A): the
	// mineral name is given only to an entry of one of them, so that a
	// polymorph is not named after another.
	SG []int
}

// mineralDensity gives for some minerals their density (g/cm³,
// calculated, Handbook of Mineralogy), which an entry's calculated one
// must also agree with within densityAgree for the entry to be named
// after the mineral: the database holds polymorphs that share their
// space groups (silica's zeolite frameworks: MSE, 1.63 g/cm³, in
// stishovite's P4₂/mnm; SOF in coesite's C2/c; keatite in cristobalite's
// P4₁2₁2).
var mineralDensity = map[string]float64{"Stishovite": 4.29, "Quartz": 2.65, "Cristobalite": 2.33, "Coesite": 2.92}

// densityAgree is how far an entry's calculated density may be from a
// known mineral's and still be named after it: 5 %, beyond the spread of
// one mineral's determinations (thermal expansion, solid solution: 1–3 %)
// and below the difference of silica polymorphs sharing a space group
// (keatite 2.50 against cristobalite 2.33 g/cm³, 7 %).
const densityAgree = 0.05

// knownPhases are the common minerals (and a few hydrates and hydroxides
// whose formulas chemists write with groups). Space groups from the
// mineral's type description (Mindat, Anthony et al., Handbook of
// Mineralogy); where two minerals of one formula share a space-group
// number (gibbsite and bayerite, P21/n; dickite and nacrite, Cc;
// orthoclase and sanidine, C2/m) neither is named here.
var knownPhases = []knownPhase{
	// Sulfates.
	{"CaSO4·2H2O", "Gypsum", []int{15}},
	{"CaSO4·0.5H2O", "Bassanite", []int{5}},
	{"CaSO4", "Anhydrite", []int{63}},
	{"BaSO4", "Barite", []int{62}},
	{"SrSO4", "Celestine", []int{62}},
	{"PbSO4", "Anglesite", []int{62}},
	{"Na2SO4", "Thenardite", []int{70}},
	{"K2SO4", "Arcanite", []int{62}},
	{"CuSO4", "Chalcocyanite", []int{62}},
	{"MgSO4·H2O", "Kieserite", []int{15}},
	{"MgSO4·7H2O", "Epsomite", []int{19}},
	{"CuSO4·5H2O", "Chalcanthite", []int{2}},
	{"FeSO4·7H2O", "Melanterite", []int{14}},
	{"Na2SO4·10H2O", "Mirabilite", []int{14}},
	{"KAl3(SO4)2(OH)6", "Alunite", []int{166}},
	{"KFe3(SO4)2(OH)6", "Jarosite", []int{166}},

	// Hydroxides and oxide hydroxides.
	{"Mg(OH)2", "Brucite", []int{164}},
	{"Ca(OH)2", "Portlandite", []int{164}},
	{"Ni(OH)2", "Theophrastite", []int{164}},
	{"Al(OH)3", "", nil},
	{"AlO(OH)", "Boehmite", []int{63}},
	{"AlO(OH)", "Diaspore", []int{62}},
	{"FeO(OH)", "Goethite", []int{62}},
	{"FeO(OH)", "Lepidocrocite", []int{63}},
	{"MnO(OH)", "Manganite", []int{14}},
	{"B(OH)3", "Sassolite", []int{2}},

	// Carbonates.
	{"CaCO3", "Calcite", []int{167}},
	{"CaCO3", "Aragonite", []int{62}},
	{"MgCO3", "Magnesite", []int{167}},
	{"FeCO3", "Siderite", []int{167}},
	{"MnCO3", "Rhodochrosite", []int{167}},
	{"ZnCO3", "Smithsonite", []int{167}},
	{"CaMg(CO3)2", "Dolomite", []int{148}},
	{"PbCO3", "Cerussite", []int{62}},
	{"SrCO3", "Strontianite", []int{62}},
	{"BaCO3", "Witherite", []int{62}},
	{"Cu2CO3(OH)2", "Malachite", []int{14}},
	{"Cu3(CO3)2(OH)2", "Azurite", []int{14}},

	// Phosphates.
	{"Ca5(PO4)3(OH)", "Hydroxylapatite", []int{176}},
	{"Ca5(PO4)3F", "Fluorapatite", []int{176}},
	{"Ca5(PO4)3Cl", "Chlorapatite", []int{176}},
	{"CaHPO4·2H2O", "Brushite", []int{9}},
	{"NH4H2PO4", "Biphosammite", []int{122}},

	// Oxides.
	{"Al2O3", "Corundum", []int{167}},
	{"Fe2O3", "Hematite", []int{167}},
	{"Cr2O3", "Eskolaite", []int{167}},
	{"V2O3", "Karelianite", []int{167}},
	{"TiO2", "Rutile", []int{136}},
	{"TiO2", "Anatase", []int{141}},
	{"TiO2", "Brookite", []int{61}},
	{"SnO2", "Cassiterite", []int{136}},
	{"MnO2", "Pyrolusite", []int{136}},
	{"SiO2", "Stishovite", []int{136}},
	{"SiO2", "Quartz", []int{152, 154}},
	{"SiO2", "Cristobalite", []int{92, 96}},
	{"SiO2", "Coesite", []int{15}},
	{"MgO", "Periclase", []int{225}},
	{"CaO", "Lime", []int{225}},
	{"NiO", "Bunsenite", []int{225}},
	{"MnO", "Manganosite", []int{225}},
	{"FeO", "Wüstite", []int{225}},
	{"CeO2", "Cerianite-(Ce)", []int{225}},
	{"ThO2", "Thorianite", []int{225}},
	{"UO2", "Uraninite", []int{225}},
	{"ZnO", "Zincite", []int{186}},
	{"BeO", "Bromellite", []int{186}},
	{"CuO", "Tenorite", []int{15}},
	{"Cu2O", "Cuprite", []int{224}},
	{"ZrO2", "Baddeleyite", []int{14}},
	{"Mn2O3", "Bixbyite", []int{206}},
	{"Mn3O4", "Hausmannite", []int{141}},
	{"PbO", "Litharge", []int{129}},
	{"PbO", "Massicot", []int{57}},
	{"Sb2O3", "Senarmontite", []int{227}},
	{"Sb2O3", "Valentinite", []int{56}},
	{"As2O3", "Arsenolite", []int{227}},
	{"MoO3", "Molybdite", []int{62}},
	{"V2O5", "Shcherbinaite", []int{59}},
	{"Bi2O3", "Bismite", []int{14}},
	{"MgTiO3", "Geikielite", []int{148}},
	{"FeTiO3", "Ilmenite", []int{148}},
	{"MnTiO3", "Pyrophanite", []int{148}},
	{"CaTiO3", "Perovskite", []int{62}},
	{"MgAl2O4", "Spinel", []int{227}},
	{"ZnAl2O4", "Gahnite", []int{227}},
	{"FeAl2O4", "Hercynite", []int{227}},
	{"FeCr2O4", "Chromite", []int{227}},
	{"Fe3O4", "Magnetite", []int{227}},
	{"NiFe2O4", "Trevorite", []int{227}},
	{"ZnFe2O4", "Franklinite", []int{227}},
	{"MgFe2O4", "Magnesioferrite", []int{227}},
	{"MnFe2O4", "Jacobsite", []int{227}},
	{"Mg2TiO4", "Qandilite", []int{227}},
	{"BeAl2O4", "Chrysoberyl", []int{62}},

	// Halides.
	{"NaCl", "Halite", []int{225}},
	{"KCl", "Sylvite", []int{225}},
	{"NaF", "Villiaumite", []int{225}},
	{"LiF", "Griceite", []int{225}},
	{"CaF2", "Fluorite", []int{225}},
	{"BaF2", "Frankdicksonite", []int{225}},
	{"MgF2", "Sellaite", []int{136}},
	{"AgCl", "Chlorargyrite", []int{225}},
	{"AgBr", "Bromargyrite", []int{225}},
	{"CuCl", "Nantokite", []int{216}},
	{"Na3AlF6", "Cryolite", []int{14}},
	{"KMgCl3·6H2O", "Carnallite", []int{66}},
	{"MgCl2·6H2O", "Bischofite", []int{12}},

	// Sulfides, selenides, tellurides, arsenides.
	{"PbS", "Galena", []int{225}},
	{"MnS", "Alabandite", []int{225}},
	{"ZnS", "Sphalerite", []int{216}},
	{"ZnS", "Wurtzite", []int{186}},
	{"CdS", "Greenockite", []int{186}},
	{"FeS2", "Pyrite", []int{205}},
	{"FeS2", "Marcasite", []int{58}},
	{"MoS2", "Molybdenite", []int{194}},
	{"HgS", "Cinnabar", []int{152, 154}},
	{"HgS", "Metacinnabar", []int{216}},
	{"Sb2S3", "Stibnite", []int{62}},
	{"Bi2S3", "Bismuthinite", []int{62}},
	{"CuFeS2", "Chalcopyrite", []int{122}},
	{"CuS", "Covellite", []int{194}},
	{"Ag2S", "Acanthite", []int{14}},
	{"NiS", "Millerite", []int{160}},
	{"NiAs", "Nickeline", []int{194}},
	{"PbSe", "Clausthalite", []int{225}},
	{"PbTe", "Altaite", []int{225}},
	{"NiAsS", "Gersdorffite", []int{198}},
	{"CoAsS", "Cobaltite", []int{29}},

	// Silicates.
	{"ZrSiO4", "Zircon", []int{141}},
	{"Mg2SiO4", "Forsterite", []int{62}},
	{"Fe2SiO4", "Fayalite", []int{62}},
	{"Al2SiO5", "Andalusite", []int{58}},
	{"Al2SiO5", "Sillimanite", []int{62}},
	{"Al2SiO5", "Kyanite", []int{2}},
	{"CaSiO3", "Wollastonite", []int{2}},
	{"MgSiO3", "Enstatite", []int{61}},
	{"CaMgSi2O6", "Diopside", []int{15}},
	{"NaAlSi2O6", "Jadeite", []int{15}},
	{"NaAlSi3O8", "Albite", []int{2}},
	{"CaAl2Si2O8", "Anorthite", []int{2}},
	{"Ca3Al2(SiO4)3", "Grossular", []int{230}},
	{"Mg3Al2(SiO4)3", "Pyrope", []int{230}},
	{"Fe3Al2(SiO4)3", "Almandine", []int{230}},
	{"Mn3Al2(SiO4)3", "Spessartine", []int{230}},
	{"Ca3Fe2(SiO4)3", "Andradite", []int{230}},
	{"Ca2SiO4", "Larnite", []int{14}},
	{"CaTiSiO5", "Titanite", []int{14, 15}},
	{"BaTiSi3O9", "Benitoite", []int{188}},
	{"Be3Al2Si6O18", "Beryl", []int{192}},
	{"Be2SiO4", "Phenakite", []int{148}},
	{"Zn2SiO4", "Willemite", []int{148}},
	{"Zn4Si2O7(OH)2·H2O", "Hemimorphite", []int{44}},
	{"NaAlSi2O6·H2O", "Analcime", []int{230}},
	{"Al2Si2O5(OH)4", "Kaolinite", []int{1}},
	{"Mg3Si2O5(OH)4", "Lizardite", []int{157}},
	{"Mg3Si4O10(OH)2", "Talc", []int{2}},
	{"Al2Si4O10(OH)2", "Pyrophyllite", []int{2}},
	{"KAl2(AlSi3O10)(OH)2", "Muscovite", []int{15}},
	{"KMg3(AlSi3O10)(OH)2", "Phlogopite", []int{12}},
	{"Ca2Mg5Si8O22(OH)2", "Tremolite", []int{12}},
}

// nameKnown gives an entry the chemist's formula of its chemistry (and
// its element order to the element-count formula: MnTiO3, CuFeS2) and,
// when its file names no mineral, the mineral of its chemistry and space
// group; an entry named by its formula alone is then named after the
// mineral.
func nameKnown(p *refdb.Phase) {
	for _, k := range knownPhases {
		if !refdb.SameFormula(p.Formula, refdb.ElementCount(k.Formula)) {
			continue
		}
		if f, ok := refdb.Reorder(p.Formula, k.Formula); ok {
			if p.ChemicalFormula == p.Formula {
				p.ChemicalFormula = f
			}
			p.Formula = f
		}
		if p.ChemicalFormula == p.Formula {
			p.ChemicalFormula = k.Formula
		}
		if p.Mineral == "" && k.Mineral != "" && slices.Contains(k.SG, p.Structure.SpaceGroupNumber) &&
			(mineralDensity[k.Mineral] == 0 || math.Abs(p.Density/mineralDensity[k.Mineral]-1) <= densityAgree) {
			p.Mineral = k.Mineral
			if _, ok := refdb.CompactFormula(p.Name); ok || p.Name == "" {
				p.Name = k.Mineral
			}
		}
	}
}
