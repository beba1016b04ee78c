/** Entry point of the workflow bundle: every workflow type of the engine. */
export { posteingang } from './posteingang/eingang';
export { aufgabe } from './aufgaben/aufgabe';
export { weiterbewilligung, weiterbewilligungSync } from './weiterbewilligung';
export { zentraldruckBrief, zentraldruckTagesbatch, zentraldruckAnnahmeschluss, zentraldruckBescheide } from './zentraldruck';
