/** The Fachverfahren simulators, for the lead to add to SIMULATORS (connectors/simulator-registry.ts). */
import { compassSimulator } from '../compass/simulator';
import { openProsozSimulator } from '../open-prosoz/simulator';

export { compassSimulator, openProsozSimulator };
export const FACHVERFAHREN_SIMULATOREN = [openProsozSimulator, compassSimulator];
