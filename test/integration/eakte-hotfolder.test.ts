/** The E-Akte hot folder adapter (document + index file) against the DMS simulator. */
import { eakteContract, eakteUmgebung } from '../contract/eakte.contract';

eakteContract('Hot-Folder', () => eakteUmgebung('hotfolder'));
