/**
 * The demo directory's content: real names of Region Midtjylland's hospitals, psychiatry and
 * municipalities (kommunekoder as in DST's list), with invented units, teams and GP clinics.
 * Sibling names are as alike as the real ones, on purpose: they are what misroutes letters.
 */

export interface Department {
  name: string;
  unitType?: string;
  /** Sections below the department; they inherit its EAN. */
  sections?: string[];
  /** Lists the accepted type with a version (`CareCommunication;1.0`), as some SOR extracts do. */
  acceptsVersion?: boolean;
}

export interface Site {
  name: string;
  municipalityCode: string;
  address: string;
  departments: Department[];
}

export interface Hospital extends Site {
  unitType: string;
  validFrom?: string;
  sites?: Site[];
}

const ward = ['Sengeafsnit', 'Ambulatorium'];

export const somaticHospitals: Hospital[] = [
  {
    name: 'Aarhus Universitetshospital',
    municipalityCode: '751',
    unitType: 'Sygehus',
    address: 'Palle Juul-Jensens Boulevard 99, 8200 Aarhus N',
    departments: [
      { name: 'Akutafdelingen' },
      { name: 'Hjertesygdomme', sections: ward, acceptsVersion: true },
      { name: 'Lungesygdomme' },
      { name: 'Nyresygdomme' },
      { name: 'Ældresygdomme', sections: ward },
      { name: 'Neurologi' },
      { name: 'Ortopædkirurgi' },
      { name: 'Kræftafdelingen' },
      { name: 'Infektionssygdomme' },
      { name: 'Børn og Unge' },
    ],
  },
  {
    name: 'Regionshospitalet Gødstrup',
    municipalityCode: '657',
    unitType: 'Sygehus',
    address: 'Hospitalsparken 15, 7400 Herning',
    validFrom: '2022-02-27',
    departments: [
      { name: 'Medicinsk Afdeling', sections: ward },
      { name: 'Akutafdelingen' },
      { name: 'Ortopædkirurgi' },
      { name: 'Kvindesygdomme og Fødsler' },
      { name: 'Neurologi' },
      { name: 'Børn og Unge' },
    ],
  },
  {
    name: 'Regionshospitalet Randers',
    municipalityCode: '730',
    unitType: 'Sygehus',
    address: 'Skovlyvej 15, 8930 Randers NØ',
    departments: [
      { name: 'Medicinsk Afdeling', sections: ward },
      { name: 'Akutafdelingen' },
      { name: 'Ortopædkirurgi' },
      { name: 'Kirurgi' },
      { name: 'Børn og Unge' },
    ],
  },
  {
    name: 'Regionshospitalet Horsens',
    municipalityCode: '615',
    unitType: 'Sygehus',
    address: 'Sundvej 30, 8700 Horsens',
    departments: [
      { name: 'Medicinsk Afdeling' },
      { name: 'Akutafdelingen' },
      { name: 'Kirurgi' },
      { name: 'Ortopædkirurgi' },
    ],
  },
  {
    name: 'Hospitalsenhed Midt',
    municipalityCode: '791',
    unitType: 'Sygehus',
    address: 'Heibergs Allé 2K, 8800 Viborg',
    departments: [],
    sites: [
      {
        name: 'Regionshospitalet Viborg',
        municipalityCode: '791',
        address: 'Heibergs Allé 2K, 8800 Viborg',
        departments: [
          { name: 'Medicinsk Afdeling', sections: ward },
          { name: 'Akutafdelingen' },
          { name: 'Ortopædkirurgi' },
          { name: 'Kvindesygdomme og Fødsler' },
          { name: 'Børn og Unge' },
        ],
      },
      {
        name: 'Regionshospitalet Silkeborg',
        municipalityCode: '740',
        address: 'Falkevej 1-3, 8600 Silkeborg',
        departments: [{ name: 'Diagnostisk Center' }, { name: 'Medicinsk Afdeling' }, { name: 'Ortopædkirurgi' }],
      },
      {
        name: 'Regionshospitalet Skive',
        municipalityCode: '779',
        address: 'Resenvej 25, 7800 Skive',
        departments: [{ name: 'Medicinsk Afdeling' }, { name: 'Akutklinikken' }],
      },
    ],
  },
];

const psychiatric = (name: string, sections?: string[]): Department => ({
  name,
  unitType: 'Psykiatrisk afdeling',
  ...(sections ? { sections } : {}),
});

export const psychiatry: Hospital[] = [
  {
    name: 'Aarhus Universitetshospital Psykiatrien',
    municipalityCode: '751',
    unitType: 'Psykiatrisk sygehus',
    address: 'Palle Juul-Jensens Boulevard 175, 8200 Aarhus N',
    departments: [
      psychiatric('Afdeling for Depression og Angst', ward),
      psychiatric('Afdeling for Psykoser', [
        'OPUS Aarhus',
        'Distriktspsykiatrien Aarhus Nord',
        'Distriktspsykiatrien Aarhus Syd',
      ]),
      psychiatric('Børne- og Ungdomspsykiatrisk Afdeling', [
        'Ambulatorium for Spiseforstyrrelser',
        'Sengeafsnit for Børn',
      ]),
      psychiatric('Psykiatrisk Akutmodtagelse'),
      psychiatric('Retspsykiatrisk Afdeling'),
    ],
  },
  {
    name: 'Regionspsykiatrien Midt',
    municipalityCode: '791',
    unitType: 'Psykiatrisk sygehus',
    address: 'Heibergs Allé 4, 8800 Viborg',
    departments: [
      psychiatric('Psykiatrisk Afdeling Viborg', ['Sengeafsnit P1', 'Sengeafsnit P2']),
      psychiatric('Psykiatrisk Afdeling Silkeborg'),
      psychiatric('Distriktspsykiatrien Viborg'),
      psychiatric('Distriktspsykiatrien Skive'),
      psychiatric('Distriktspsykiatrien Silkeborg'),
      psychiatric('OPUS Midt'),
    ],
  },
  {
    name: 'Regionspsykiatrien Vest',
    municipalityCode: '657',
    unitType: 'Psykiatrisk sygehus',
    address: 'Gl. Landevej 61, 7400 Herning',
    departments: [
      psychiatric('Psykiatrisk Afdeling Gødstrup', ward),
      psychiatric('Distriktspsykiatrien Herning'),
      psychiatric('Distriktspsykiatrien Holstebro'),
      psychiatric('Distriktspsykiatrien Ringkøbing-Skjern'),
      psychiatric('Ældrepsykiatrisk Team Vest'),
    ],
  },
  {
    name: 'Regionspsykiatrien Horsens',
    municipalityCode: '615',
    unitType: 'Psykiatrisk sygehus',
    address: 'Sundvej 30, 8700 Horsens',
    departments: [
      psychiatric('Psykiatrisk Afdeling Horsens'),
      psychiatric('Distriktspsykiatrien Horsens'),
      psychiatric('Distriktspsykiatrien Skanderborg-Odder'),
      psychiatric('Distriktspsykiatrien Hedensted'),
    ],
  },
  {
    name: 'Regionspsykiatrien Randers',
    municipalityCode: '730',
    unitType: 'Psykiatrisk sygehus',
    address: 'Dronningborg Boulevard 16, 8930 Randers NØ',
    departments: [
      psychiatric('Psykiatrisk Afdeling Randers', ward),
      psychiatric('Distriktspsykiatrien Randers'),
      psychiatric('Distriktspsykiatrien Djursland'),
      psychiatric('Distriktspsykiatrien Favrskov'),
    ],
  },
];

export interface MunicipalUnit {
  name: string;
  /** A level between the area and the unit, created once per municipality. */
  within?: string;
  displayName?: string;
  unitType: string;
  address?: string;
  teams?: string[];
}

export interface Area {
  name: string;
  units: MunicipalUnit[];
}

export interface Municipality {
  name: string;
  code: string;
  address: string;
  shortNames?: boolean;
  areas: Area[];
}

/** The units most municipalities have, under the names each municipality gives its areas. */
function standardAreas(
  health: string,
  social: string,
  extra: { homeCareAreas?: string[]; addictionName?: string } = {},
): Area[] {
  const homeCare = (extra.homeCareAreas ?? ['']).map((area) => ({
    name: area ? `Hjemmeplejen ${area}` : 'Hjemmeplejen',
    unitType: 'Hjemmepleje',
  }));
  return [
    {
      name: health,
      units: [
        { name: 'Sundhedsplejen', unitType: 'Sundhedspleje' },
        ...homeCare,
        { name: 'Visitationen', unitType: 'Visitation' },
        { name: 'Sygeplejen', unitType: 'Hjemmesygepleje' },
        { name: 'Træning og Rehabilitering', unitType: 'Genoptræning' },
      ],
    },
    {
      name: social,
      units: [
        { name: 'Socialpsykiatri', unitType: 'Socialpsykiatri' },
        { name: 'Handicap', unitType: 'Handicap' },
        { name: extra.addictionName ?? 'Misbrugsbehandling', unitType: 'Misbrugsbehandling' },
      ],
    },
  ];
}

const aarhus: Municipality = {
  name: 'Aarhus',
  code: '751',
  address: 'Rådhuspladsen 2, 8000 Aarhus C',
  areas: [
    {
      name: 'Sundhed og Omsorg',
      units: [
        { name: 'Sundhedsplejen', unitType: 'Sundhedspleje', teams: ['Sundhedsplejen, Familieambulatoriet'] },
        ...['Nord', 'Syd', 'Vest', 'Midtbyen'].map((area) => ({
          name: `Område ${area}, Hjemmeplejen`,
          displayName: `Hjemmeplejen ${area}`,
          unitType: 'Hjemmepleje',
        })),
        { name: 'Visitationen', unitType: 'Visitation' },
        { name: 'Akutteam', displayName: 'Akutteamet', unitType: 'Hjemmesygepleje' },
        { name: 'Træning og Rehabilitering', unitType: 'Genoptræning' },
      ],
    },
    {
      name: 'Socialforvaltningen',
      units: [
        // The seed document's example of a misroute: one mailbox name contains the other.
        {
          within: 'Voksne Job og Handicap',
          name: 'Socialpsykiatri',
          unitType: 'Socialpsykiatri',
          teams: ['Socialpsykiatri Bostøtte Midtbyen', 'Socialpsykiatri Bostøtte Nord'],
        },
        { within: 'Voksne Job og Handicap', name: 'Socialpsykiatri og Udsatte Voksne', unitType: 'Socialpsykiatri' },
        { within: 'Voksne Job og Handicap', name: 'Handicap', unitType: 'Handicap' },
        { name: 'Center for Misbrugsbehandling', unitType: 'Misbrugsbehandling' },
      ],
    },
  ],
};

export const municipalities: Municipality[] = [
  aarhus,
  {
    name: 'Favrskov',
    code: '710',
    address: 'Skovvej 20, 8382 Hinnerup',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Handicap'),
  },
  {
    name: 'Hedensted',
    code: '766',
    address: 'Tofteskovvej 1, 8723 Løsning',
    areas: standardAreas('Sundhed og Omsorg', 'Voksenområdet'),
  },
  {
    name: 'Herning',
    code: '657',
    address: 'Torvet 5, 7400 Herning',
    areas: standardAreas('Sundhed og Ældre', 'Social og Beskæftigelse', { homeCareAreas: ['Nord', 'Syd'] }),
  },
  {
    name: 'Holstebro',
    code: '661',
    address: 'Kirkestræde 11, 7500 Holstebro',
    areas: standardAreas('Sundhed og Omsorg', 'Handicap og Psykiatri'),
  },
  {
    name: 'Horsens',
    code: '615',
    address: 'Rådhustorvet 4, 8700 Horsens',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Beskæftigelse', {
      homeCareAreas: ['Nord', 'Syd'],
      addictionName: 'Rusmiddelcenter Horsens',
    }),
  },
  {
    name: 'Ikast-Brande',
    code: '756',
    address: 'Centerparken 1, 7330 Brande',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Handicap'),
  },
  {
    name: 'Lemvig',
    code: '665',
    address: 'Rådhusgade 2, 7620 Lemvig',
    shortNames: true,
    areas: standardAreas('Sundhed og Ældre', 'Social og Handicap'),
  },
  {
    name: 'Norddjurs',
    code: '707',
    address: 'Torvet 3, 8500 Grenaa',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Psykiatri'),
  },
  {
    name: 'Odder',
    code: '727',
    address: 'Rådhusgade 3, 8300 Odder',
    shortNames: true,
    areas: standardAreas('Sundhed og Omsorg', 'Social og Handicap'),
  },
  {
    name: 'Randers',
    code: '730',
    address: 'Laksetorvet 1, 8900 Randers C',
    areas: standardAreas('Sundhed, Ældre og Handicap', 'Social og Arbejdsmarked', {
      homeCareAreas: ['Nord', 'Syd'],
      addictionName: 'Rusmiddelcenter Randers',
    }),
  },
  {
    name: 'Ringkøbing-Skjern',
    code: '760',
    address: 'Ved Fjorden 6, 6950 Ringkøbing',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Psykiatri', { homeCareAreas: ['Ringkøbing', 'Skjern'] }),
  },
  {
    name: 'Samsø',
    code: '741',
    address: 'Søtofte 10, 8305 Samsø',
    shortNames: true,
    areas: standardAreas('Sundhed og Ældre', 'Social og Handicap'),
  },
  {
    name: 'Silkeborg',
    code: '740',
    address: 'Søvej 1, 8600 Silkeborg',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Handicap', { homeCareAreas: ['Nord', 'Syd'] }),
  },
  {
    name: 'Skanderborg',
    code: '746',
    address: 'Skanderborg Fælled 1, 8660 Skanderborg',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Handicap'),
  },
  {
    name: 'Skive',
    code: '779',
    address: 'Torvegade 10, 7800 Skive',
    areas: standardAreas('Sundhed og Ældre', 'Social og Handicap'),
  },
  {
    name: 'Struer',
    code: '671',
    address: 'Østergade 11-15, 7600 Struer',
    shortNames: true,
    areas: standardAreas('Sundhed og Omsorg', 'Social og Psykiatri'),
  },
  {
    name: 'Syddjurs',
    code: '706',
    address: 'Lundbergsvej 2, 8400 Ebeltoft',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Handicap'),
  },
  {
    name: 'Viborg',
    code: '791',
    address: 'Prinsens Allé 5, 8800 Viborg',
    areas: standardAreas('Sundhed og Omsorg', 'Social og Handicap', { homeCareAreas: ['Nord', 'Syd'] }),
  },
];

export interface GpClinic {
  name: string;
  municipalityCode: string;
  address: string;
  validFrom?: string;
  closedOn?: string;
  /** An earlier clinic in this list that took over the patients. */
  successor?: string;
}

export const gpClinics: GpClinic[] = [
  { name: 'Lægerne Østerbro', municipalityCode: '751', address: 'Østerbrogade 22, 8000 Aarhus C' },
  { name: 'Lægehuset Trøjborg', municipalityCode: '751', address: 'Tordenskjoldsgade 40, 8200 Aarhus N' },
  { name: 'Lægerne i Viby', municipalityCode: '751', address: 'Skanderborgvej 190, 8260 Viby J' },
  {
    name: 'Lægerne Viby Torv',
    municipalityCode: '751',
    address: 'Viby Torv 4, 8260 Viby J',
    closedOn: '2024-06-30',
    successor: 'Lægerne i Viby',
  },
  { name: 'Lægeklinikken Frederiksbjerg', municipalityCode: '751', address: 'M.P. Bruuns Gade 15, 8000 Aarhus C' },
  { name: 'Lægerne Skejby', municipalityCode: '751', address: 'Skejbyvej 3, 8240 Risskov' },
  { name: 'Lægerne i Højbjerg', municipalityCode: '751', address: 'Holme Byvej 1, 8270 Højbjerg' },
  { name: 'Lægerne Søndergade, Silkeborg', municipalityCode: '740', address: 'Søndergade 6, 8600 Silkeborg' },
  { name: 'Lægehuset Christian 8.s Vej', municipalityCode: '740', address: 'Christian 8.s Vej 2, 8600 Silkeborg' },
  { name: 'Lægerne i Kjellerup', municipalityCode: '740', address: 'Østergade 8, 8620 Kjellerup' },
  { name: 'Lægerne Sct. Mathias Gade', municipalityCode: '791', address: 'Sct. Mathias Gade 78, 8800 Viborg' },
  { name: 'Lægerne i Bjerringbro', municipalityCode: '791', address: 'Storegade 9, 8850 Bjerringbro' },
  { name: 'Lægerne Søndergade, Skive', municipalityCode: '779', address: 'Søndergade 12, 7800 Skive' },
  { name: 'Lægehuset Skive Nord', municipalityCode: '779', address: 'Kongensgade 61, 7800 Skive' },
  { name: 'Lægerne Bredgade, Herning', municipalityCode: '657', address: 'Bredgade 20, 7400 Herning' },
  { name: 'Lægehuset i Sunds', municipalityCode: '657', address: 'Sundsvej 2, 7451 Sunds' },
  { name: 'Lægerne på Nørreport', municipalityCode: '661', address: 'Nørreport 3, 7500 Holstebro' },
  { name: 'Lægerne på Torvet, Randers', municipalityCode: '730', address: 'Rådhustorvet 2, 8900 Randers C' },
  { name: 'Lægerne ved Torvet, Randers', municipalityCode: '730', address: 'Torvegade 7, 8900 Randers C' },
  { name: 'Lægerne Søndergade, Horsens', municipalityCode: '615', address: 'Søndergade 30, 8700 Horsens' },
  { name: 'Lægehuset Horsens Midt', municipalityCode: '615', address: 'Allégade 9, 8700 Horsens' },
  { name: 'Lægehuset i Hinnerup', municipalityCode: '710', address: 'Østergade 16, 8382 Hinnerup' },
  { name: 'Lægerne i Hadsten', municipalityCode: '710', address: 'Søndergade 1, 8370 Hadsten' },
  { name: 'Lægehuset Ry', municipalityCode: '746', address: 'Skanderborgvej 5, 8680 Ry' },
  { name: 'Lægerne i Skanderborg', municipalityCode: '746', address: 'Adelgade 90, 8660 Skanderborg' },
  { name: 'Lægerne i Odder', municipalityCode: '727', address: 'Rosensgade 40, 8300 Odder' },
  { name: 'Lægerne i Ebeltoft', municipalityCode: '706', address: 'Adelgade 44, 8400 Ebeltoft' },
  { name: 'Lægehuset Grenaa', municipalityCode: '707', address: 'Lillestræde 5, 8500 Grenaa' },
  { name: 'Lægerne på Samsø', municipalityCode: '741', address: 'Langgade 28, 8305 Samsø' },
  { name: 'Lægerne i Ringkøbing', municipalityCode: '760', address: 'Vester Strandgade 10, 6950 Ringkøbing' },
  { name: 'Lægehuset Skjern', municipalityCode: '760', address: 'Bredgade 50, 6900 Skjern' },
  { name: 'Lægerne i Ikast', municipalityCode: '756', address: 'Torvet 2, 7430 Ikast' },
  { name: 'Lægerne i Lemvig', municipalityCode: '665', address: 'Østergade 2, 7620 Lemvig' },
  { name: 'Lægerne i Struer', municipalityCode: '671', address: 'Østergade 20, 7600 Struer' },
  { name: 'Lægehuset Juelsminde', municipalityCode: '766', address: 'Rosengade 1, 7130 Juelsminde' },
];
