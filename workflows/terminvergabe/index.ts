/** Online-Terminvergabe: one workflow per appointment, and the import of the Landratsamt's Terminsystem. */
export { terminvergabe } from './termin';
export { terminSync } from './sync';
