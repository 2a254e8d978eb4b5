export { createBoardView } from './board-view.js';
export { channelColor, channelLabel, sortChannels, KNOWN_CHANNELS } from './channels.js';
export { CHARTS, type ChartDef } from './charts/definitions.js';
export { TILES, type TileDef, type BreakdownRow } from './tiles/definitions.js';
