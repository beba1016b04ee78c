/** Entry point of the workflow bundle: every workflow type of the engine. */
export { posteingang } from './posteingang/eingang';
