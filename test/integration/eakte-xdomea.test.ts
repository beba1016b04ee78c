/** The E-Akte XDOMEA adapter (0401 Abgabe ZIP, 0402 receipt) against the DMS simulator. */
import { eakteContract, eakteUmgebung } from '../contract/eakte.contract';

eakteContract('XDOMEA 0401', () => eakteUmgebung('xdomea'));
