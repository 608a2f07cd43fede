package main

// entry is one phase of the database: a CIF file (relative to
// shared/data/cif, or "bragg/<file>" for the structures the project entered
// itself in internal/dbgen/cif) and how to read it.
type entry struct {
	ID      string // overrides the ID derived from the COD id or the file name
	File    string
	Name    string // human name of the compound
	Mineral string // mineral name, "" for synthetic compounds
	Formula string // expected reduced formula: a check on the parse

	// Symmetrize: the file lists the whole cell in P1 (computed
	// structures); recover the operators with crystal.FindSymmetry and
	// label the result with SpaceGroup/SGNumber, checking Ops operators.
	Symmetrize bool
	SpaceGroup string
	SGNumber   int
	Ops        int

	// Block selects a data block of a file that holds several; auto
	// entries (found in the CIF index, not curated) set it with their
	// index row.
	Block string
	row   indexRow
	auto  bool
}

// corundumID is the RIR reference phase.
const corundumID = "cod:1000017"

// curated lists the phases of the foundation release. Preference: COD
// entries with listed operators and full occupancy; the Li–Mn–Ti–O–F phases
// are the computed references that labelled the XRD-AutoAnalyzer scans.
var curated = []entry{
	// Elements.
	{File: "cif2hkl_examples/2104737.cif", Name: "Silicon", Formula: "Si"},
	{File: "avogadro_crystals/elements/Cu-Copper.cif", Name: "Copper", Mineral: "Copper", Formula: "Cu"},
	{File: "avogadro_crystals/elements/Al-Aluminum.cif", Name: "Aluminium", Mineral: "Aluminum", Formula: "Al"},
	{File: "avogadro_crystals/elements/Zn-Zinc.cif", Name: "Zinc", Mineral: "Zinc", Formula: "Zn"},
	{File: "crystals_LaurentRDC/Ni.cif", Name: "Nickel", Mineral: "Nickel", Formula: "Ni"},
	{File: "avogadro_crystals/elements/Au-Gold.cif", Name: "Gold", Mineral: "Gold", Formula: "Au"},
	{File: "avogadro_crystals/elements/Ag-Silver.cif", Name: "Silver", Mineral: "Silver", Formula: "Ag"},
	{File: "avogadro_crystals/elements/Fe-Iron-alpha.cif", Name: "Iron (alpha)", Mineral: "Iron", Formula: "Fe"},
	{File: "avogadro_crystals/elements/C-Diamond.cif", Name: "Diamond", Mineral: "Diamond", Formula: "C"},
	{File: "avogadro_crystals/elements/C-Graphite.cif", Name: "Graphite 2H", Mineral: "Graphite", Formula: "C"},

	// Halides.
	{File: "avogadro_crystals/halides/NaCl-Halite.cif", Name: "Sodium chloride", Mineral: "Halite", Formula: "NaCl"},
	{File: "avogadro_crystals/halides/KCl-Sylvite.cif", Name: "Potassium chloride", Mineral: "Sylvite", Formula: "KCl"},
	{File: "avogadro_crystals/halides/CaF2-Fluorite.cif", Name: "Calcium fluoride", Mineral: "Fluorite", Formula: "CaF2"},
	{File: "xrd_autoanalyzer_mp_refs/LiF_225.cif", Name: "Lithium fluoride", Mineral: "Griceite", Formula: "LiF",
		Symmetrize: true, SpaceGroup: "F m -3 m", SGNumber: 225, Ops: 192},
	{File: "xrd_autoanalyzer_mp_refs/MnF2_136.cif", Name: "Manganese(II) fluoride", Formula: "MnF2",
		Symmetrize: true, SpaceGroup: "P 42/m n m", SGNumber: 136, Ops: 16},

	// Oxides.
	{File: "wpem_xred/monophase__UnderThreeElements__Al2O3__1000017.cif", Name: "Aluminium oxide (alpha)", Mineral: "Corundum", Formula: "Al2O3"},
	{File: "avogadro_crystals/oxides/SiO2-Quartz-alpha.cif", Name: "Silicon dioxide (alpha)", Mineral: "Quartz", Formula: "SiO2"},
	{File: "avogadro_crystals/oxides/SiO2-Cristobalite.cif", Name: "Silicon dioxide (alpha-cristobalite)", Mineral: "Cristobalite", Formula: "SiO2"},
	{File: "avogadro_crystals/oxides/TiO2-Rutile.cif", Name: "Titanium dioxide (rutile)", Mineral: "Rutile", Formula: "TiO2"},
	{File: "avogadro_crystals/oxides/TiO2-Anatase.cif", Name: "Titanium dioxide (anatase)", Mineral: "Anatase", Formula: "TiO2"},
	{File: "avogadro_crystals/oxides/TiO2-Brookite.cif", Name: "Titanium dioxide (brookite)", Mineral: "Brookite", Formula: "TiO2"},
	// The avogadro (COD 9008877) zincite has Wyckoff's old u = 0.345 for O; this
	// one has the refined u = 0.3817 and B = 0.55 Å².
	{File: "dans_diffraction/ZnO.cif", Name: "Zinc oxide", Mineral: "Zincite", Formula: "ZnO"},
	{File: "avogadro_crystals/oxides/MgO-Periclase.cif", Name: "Magnesium oxide", Mineral: "Periclase", Formula: "MgO"},
	{File: "avogadro_crystals/oxides/CeO2-Cerianite.cif", Name: "Cerium dioxide", Mineral: "Cerianite-(Ce)", Formula: "CeO2"},
	{File: "avogadro_crystals/oxides/NiO-Bunsenite.cif", Name: "Nickel(II) oxide", Mineral: "Bunsenite", Formula: "NiO"},
	{File: "avogadro_crystals/oxides/MnO-Manganosite.cif", Name: "Manganese(II) oxide", Mineral: "Manganosite", Formula: "MnO"},
	{File: "avogadro_crystals/oxides/MnO2-Pyrolusite.cif", Name: "Manganese dioxide (beta)", Mineral: "Pyrolusite", Formula: "MnO2"},
	{File: "xrd_autoanalyzer_mp_refs/Mn2O3_206.cif", Name: "Manganese(III) oxide", Mineral: "Bixbyite", Formula: "Mn2O3",
		Symmetrize: true, SpaceGroup: "I a -3", SGNumber: 206, Ops: 48},
	{File: "bragg/hematite.cif", Name: "Iron(III) oxide (alpha)", Mineral: "Hematite", Formula: "Fe2O3"},
	{File: "avogadro_crystals/oxides/Fe3O4-Magnetite.cif", Name: "Iron(II,III) oxide", Mineral: "Magnetite", Formula: "Fe3O4"},
	{File: "avogadro_crystals/oxides/Cr2O3-Eskolaite.cif", Name: "Chromium(III) oxide", Mineral: "Eskolaite", Formula: "Cr2O3"},
	{File: "avogadro_crystals/oxides/CuO-Tenorite.cif", Name: "Copper(II) oxide", Mineral: "Tenorite", Formula: "CuO"},
	{File: "avogadro_crystals/oxides/Cu2O-Cuprite.cif", Name: "Copper(I) oxide", Mineral: "Cuprite", Formula: "Cu2O"},
	{File: "avogadro_crystals/oxides/SnO2-Cassiterite.cif", Name: "Tin dioxide", Mineral: "Cassiterite", Formula: "SnO2"},
	{File: "avogadro_crystals/oxides/ZrO2-Cubic.cif", Name: "Zirconium dioxide (cubic)", Formula: "ZrO2"},

	// Lithium transition-metal oxides (computed references of XRD-AutoAnalyzer).
	{File: "xrd_autoanalyzer_mp_refs/Li2TiO3_15.cif", Name: "Lithium titanate", Formula: "Li2TiO3",
		Symmetrize: true, SpaceGroup: "C 2/c", SGNumber: 15, Ops: 8},
	{File: "xrd_autoanalyzer_mp_refs/LiMn2O4_227.cif", Name: "Lithium manganese oxide (spinel)", Formula: "LiMn2O4",
		Symmetrize: true, SpaceGroup: "F d -3 m", SGNumber: 227, Ops: 192},
	{ID: "wpem-xred:li2mno3", File: "wpem_xred/triphase__Li2MnO3-LiTMO2-Li4Mn5O12__Li2MnO3.cif", Name: "Lithium manganese(IV) oxide", Formula: "Li2MnO3"},
	{File: "xrd_autoanalyzer_mp_refs/LiMnO2_59.cif", Name: "Lithium manganese(III) oxide (orthorhombic)", Formula: "LiMnO2",
		Symmetrize: true, SpaceGroup: "P m m n", SGNumber: 59, Ops: 8},

	// Carbides, sulfides, carbonates, sulfates.
	{File: "avogadro_crystals/carbides/SiC-6H-alpha.cif", Name: "Silicon carbide 6H (alpha)", Mineral: "Moissanite-6H", Formula: "SiC"},
	{File: "crystals_LaurentRDC/SiC.cif", Name: "Silicon carbide 3C (beta)", Mineral: "Moissanite-3C", Formula: "SiC"},
	{File: "avogadro_crystals/sulfides/ZnS-Sphalerite.cif", Name: "Zinc sulfide (cubic)", Mineral: "Sphalerite", Formula: "ZnS"},
	{File: "avogadro_crystals/sulfides/FeS2-Pyrite.cif", Name: "Iron disulfide", Mineral: "Pyrite", Formula: "FeS2"},
	{File: "avogadro_crystals/carbonates/CaCO3-Calcite.cif", Name: "Calcium carbonate (calcite)", Mineral: "Calcite", Formula: "CaCO3"},
	{File: "mineral-lib-jekyll_amcsd/Aragonite.cif", Name: "Calcium carbonate (aragonite)", Mineral: "Aragonite", Formula: "CaCO3"},
	{File: "avogadro_crystals/sulfates/BaSO4-Barite.cif", Name: "Barium sulfate", Mineral: "Barite", Formula: "BaSO4"},
	{File: "avogadro_crystals/sulfates/CaSO4-Anhydrite.cif", Name: "Calcium sulfate", Mineral: "Anhydrite", Formula: "CaSO4"},

	// Shared structures that the automatic pass read but did not name as
	// the common phase: beryl (COD 1010541, W. L. Bragg 1926) carries only
	// a systematic name; sanidine (AMCSD) was folded into orthoclase as
	// the same formula, space group and volume, though the two are
	// distinct (Al,Si-disordered and partly ordered) feldspars — curated
	// entries are never merged (see merge).
	{File: "avogadro_crystals/silicates/Be3Al2(SiO3)6-Beryl.cif", Name: "Beryllium aluminium silicate", Mineral: "Beryl", Formula: "Be3Al2Si6O18"},
	{File: "mineral-lib-jekyll_amcsd/Sanidine.cif", Name: "Potassium aluminium silicate (sanidine)", Mineral: "Sanidine", Formula: "KAlSi3O8"},
	{File: "mineral-lib-jekyll_amcsd/Orthoclase.cif", Name: "Potassium aluminium silicate (orthoclase)", Mineral: "Orthoclase", Formula: "KAlSi3O8"},

	// Common phases without a usable shared CIF, entered by the project
	// from the cited publications (internal/dbgen/cif; each is checked in
	// entered_test.go against its published density and cell volume and,
	// where the shared data hold one, a measured scan).
	{File: "bragg/co3o4.cif", Name: "Cobalt(II,III) oxide", Formula: "Co3O4"},
	{File: "bragg/baddeleyite.cif", Name: "Zirconium dioxide (monoclinic)", Mineral: "Baddeleyite", Formula: "ZrO2"},
	{File: "bragg/linbo3.cif", Name: "Lithium niobate", Formula: "LiNbO3"},
	{File: "bragg/lifepo4.cif", Name: "Lithium iron(II) phosphate", Mineral: "Triphylite", Formula: "LiFePO4"},
	{File: "bragg/portlandite.cif", Name: "Calcium hydroxide", Mineral: "Portlandite", Formula: "CaH2O2"},
	{File: "bragg/diaspore.cif", Name: "Aluminium oxide hydroxide (alpha)", Mineral: "Diaspore", Formula: "AlHO2"},
	{File: "bragg/rhodochrosite.cif", Name: "Manganese(II) carbonate", Mineral: "Rhodochrosite", Formula: "MnCO3"},
	{File: "bragg/smithsonite.cif", Name: "Zinc carbonate", Mineral: "Smithsonite", Formula: "ZnCO3"},
	{File: "bragg/fluorapatite.cif", Name: "Calcium fluoride phosphate", Mineral: "Fluorapatite", Formula: "Ca5P3O12F"},
	{File: "bragg/hydroxylapatite.cif", Name: "Calcium hydroxide phosphate", Mineral: "Hydroxylapatite", Formula: "Ca5P3HO13"},
	{File: "bragg/monazite-ce.cif", Name: "Cerium phosphate", Mineral: "Monazite-(Ce)", Formula: "CePO4"},
	{File: "bragg/xenotime-y.cif", Name: "Yttrium phosphate", Mineral: "Xenotime-(Y)", Formula: "YPO4"},
	{File: "bragg/zircon.cif", Name: "Zirconium silicate", Mineral: "Zircon", Formula: "ZrSiO4"},
	{File: "bragg/andalusite.cif", Name: "Aluminium silicate oxide (andalusite)", Mineral: "Andalusite", Formula: "Al2SiO5"},
	{File: "bragg/marcasite.cif", Name: "Iron disulfide (orthorhombic)", Mineral: "Marcasite", Formula: "FeS2"},
	{File: "bragg/chalcopyrite.cif", Name: "Copper iron disulfide", Mineral: "Chalcopyrite", Formula: "FeCuS2"},
	{File: "bragg/molybdenite.cif", Name: "Molybdenum disulfide (2H)", Mineral: "Molybdenite", Formula: "MoS2"},
	{File: "bragg/cinnabar.cif", Name: "Mercury(II) sulfide (trigonal)", Mineral: "Cinnabar", Formula: "HgS"},
	{File: "bragg/boron-nitride-h.cif", Name: "Boron nitride (hexagonal)", Formula: "BN"},
	{File: "bragg/thenardite.cif", Name: "Sodium sulfate", Mineral: "Thenardite", Formula: "Na2SO4"},
	{File: "bragg/mullite.cif", Name: "Aluminium silicate (3:2 mullite)", Mineral: "Mullite", Formula: "Al4.5Si1.5O9.742"},
	{File: "bragg/talc.cif", Name: "Magnesium silicate hydroxide", Mineral: "Talc", Formula: "Mg3Si4H2O12"},
	{File: "bragg/microcline.cif", Name: "Potassium aluminium silicate", Mineral: "Microcline", Formula: "K3.944Na0.056Al4.12Si11.88O32"},
	{File: "bragg/si3n4-alpha.cif", Name: "Silicon nitride (alpha)", Mineral: "Nierite", Formula: "Si3N4"},
	{File: "bragg/tic.cif", Name: "Titanium carbide", Mineral: "Khamrabaevite", Formula: "TiC"},
	{File: "bragg/gibbsite.cif", Name: "Aluminium hydroxide", Mineral: "Gibbsite", Formula: "AlH3O3"},
	{File: "bragg/bismite.cif", Name: "Bismuth(III) oxide (alpha)", Mineral: "Bismite", Formula: "Bi2O3"},
	{File: "bragg/witherite.cif", Name: "Barium carbonate", Mineral: "Witherite", Formula: "BaCO3"},
	{File: "bragg/brownmillerite.cif", Name: "Calcium aluminium iron oxide (C4AF)", Mineral: "Brownmillerite", Formula: "Ca2AlFeO5"},
	{File: "bragg/belite-beta.cif", Name: "Dicalcium silicate (beta, belite)", Mineral: "Larnite", Formula: "Ca2SiO4"},
	{File: "bragg/alite-m3.cif", Name: "Tricalcium silicate (alite, M3)", Mineral: "Hatrurite", Formula: "Ca3SiO5"},
	{File: "bragg/tin.cif", Name: "Titanium nitride", Mineral: "Osbornite", Formula: "TiN"},
	{File: "bragg/zro2-tetragonal.cif", Name: "Zirconium dioxide (tetragonal)", Formula: "ZrO2"},
	{File: "bragg/nh4h2po4.cif", Name: "Ammonium dihydrogen phosphate", Mineral: "Biphosammite", Formula: "PH6NO4"},
	{File: "aflow/SiO2_A2B_mC144_9_24a_12a.cif", Name: "Silicon dioxide (low tridymite, monoclinic)", Mineral: "Tridymite", Formula: "SiO2"},
}
