/**
 * Test data for the Posteingang: seeded German incoming post of a kommunales Jobcenter.
 * Texts (texte.ts), born-digital PDFs and scans/faxes/photos (render.ts), separator sheets
 * (trenner.ts), batches and whole corpora with their truth (korpus.ts), CLI (cli.ts).
 */
export * from './texte';
export { ibanGueltig, deutscheIban } from './werkzeug';
export { alsPdf, alsScan, planAlsScan, planAlsPdf, type ScanOptionen, type ScanErgebnis, type ScanStil, type ScanFormat } from './render';
export { patchT, barcodeTrennblatt, leerseite, ersteSeiteMitBarcode, mitEingangsstempel, PATCH_T, type BarcodeArt } from './trenner';
export { setze, type SeitenPlan } from './satz';
export {
  alsStapel, erzeugeKorpus, korpusDateien, STANDARD_MIX,
  type Trenner, type StapelOptionen, type StapelErgebnis, type DokumentWahrheit, type DateiWahrheit, type KorpusDatei, type KorpusMix, type KorpusOptionen,
} from './korpus';
