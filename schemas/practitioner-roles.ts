/**
 * MedCom's author roles (CodeSystem medcom-core-PractitionerRolesSKSadministrativ 2.0.0, our own
 * copy: the gateway cannot read MedCom's files at run time; practitioner-roles.test.ts compares it
 * with MedCom's file). Code → Danish display. Misspelt codes such as `pyskolog` are MedCom's own
 * and kept, because receivers may use them.
 */
export const practitionerRoleCodes = {
  speciallaege: 'Speciallæge',
  speciallaegeipraksis: 'Speciallæge i praksis',
  cheflaege: 'Cheflæge',
  overlaege: 'Overlæge',
  afdelingslaege: 'Afdelingslæge',
  sygehuslaege: 'Sygehuslæge',
  sygeplejerske: 'Sygeplejerske',
  sundhedsplejerske: 'Sundhedsplejerske',
  socialogsundhedsassistent: 'Social- og sundhedsassistent',
  socialogsundhedsmedhjaelper: 'Social- og sundhedsmedhjælper',
  socialogsundhedsmehjaelper: 'Social- og sundhedsmedhjælper',
  sygehjaelper: 'Sygehjælper',
  plejer: 'Plejer',
  plejehjemsassistent: 'Plejehjemsassistent',
  tandlaege: 'Tandlæge',
  klinisktandtekniker: 'Klinisk tandtekniker',
  tandplejer: 'Tandplejer',
  farmaceut: 'Farmaceut',
  apoteker: 'Apoteker',
  psykolog: 'Psykolog',
  pyskolog: 'Psykolog',
  jordemoder: 'Jordemoder',
  fysioterapeut: 'Fysioterapeut',
  ergoterapeut: 'Ergoterapeut',
  bioanalytiker: 'Bioanalytiker',
  radiograf: 'Radiograf',
  diaetist: 'Diætist',
  diaetistassistent: 'Diætistassistent',
  audilogiassistent: 'Audilogiassistent',
  neurofysiologassistent: 'Neurofysiologassistent',
  kiropraktor: 'Kiropraktor',
  zoneterapeut: 'Zoneterapeut',
  psykoterapeut: 'Psykoterapeut',
  audiologopaed: 'Audiologopæd',
  laegesekretaer: 'Lægesekretær',
  ledendelaegesekretaer: 'Ledende lægesekretær',
  sygeplejesekretaer: 'Sygeplejesekretær',
  sygeplejesekretear: 'Sygeplejesekretær',
  fodterapeut: 'Fodterapeut',
  socialraadgiver: 'Socialrådgiver',
  ledendesocialraadgiver: 'Ledende socialrådgiver',
  laerer: 'Lærer',
  paedagog: 'Pædagog',
  beskaeftigelsesvejleder: 'Beskæftigelsesvejleder',
  bandagist: 'Bandagist',
  skomager: 'Skomager',
  optiker: 'Optiker',
} as const;

export type PractitionerRoleCode = keyof typeof practitionerRoleCodes;

/** Whether a free-text role is one of MedCom's codes, so it is sent as a code and not as `code.text`. */
export function isPractitionerRoleCode(role: string): role is PractitionerRoleCode {
  return Object.hasOwn(practitionerRoleCodes, role);
}
