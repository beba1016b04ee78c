/** Entry point of the workflow bundle: every workflow type of the engine. */
export { posteingang } from './posteingang/eingang';
export { posteingangDokument } from './posteingang/dokument';
export { posteingangStapel } from './posteingang/stapel';
export { klassifikatorTraining } from './posteingang/training';
export { aufgabe } from './aufgaben/aufgabe';
export { weiterbewilligung, weiterbewilligungSync } from './weiterbewilligung';
export { zentraldruckBrief, zentraldruckTagesbatch, zentraldruckAnnahmeschluss, zentraldruckBescheide } from './zentraldruck';
export { terminvergabe, terminSync } from './terminvergabe';
export { aufbewahrung, betriebsbericht } from './betrieb';
