/** The Weiterbewilligung process: one workflow per BWZ and the daily sync that starts them. */
export { weiterbewilligung, wbaEingegangenSignal, bwzGeaendertSignal, wbZustandQuery } from './weiterbewilligung';
export { weiterbewilligungSync } from './sync';
