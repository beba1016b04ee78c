/** Zentraldruck: one workflow per letter, one per print day, and the daily cut-off. */
export { zentraldruckBrief } from './brief';
export { zentraldruckTagesbatch } from './tagesbatch';
export { zentraldruckAnnahmeschluss } from './annahmeschluss';
export { zentraldruckBescheide } from './bescheide';
