import type { Static } from '@sinclair/typebox';
import type * as Console from './routing/console-schemas.js';
import type * as Exp from './routes/experiment-schemas.js';
import type * as S from './schemas.js';

/**
 * The API's reply types, derived from the route reply schemas (TypeBox `Static<>`): the server's code and the
 * dashboard (`import type` only, so no server code reaches the bundle) use these instead of writing them again.
 */

export type BoardReply = Static<typeof S.BoardSnapshot>;
export type KpiSummary = Static<typeof S.KpiSummary>;
export type FiringAlert = Static<typeof S.FiringAlert>;
export type DrillConversation = Static<typeof S.DrillReply>['conversations'][number];
export type AttributionReply = Static<typeof S.AttributionReply>;
export type AttributionModel = Static<typeof S.AttributionModelReply>;
export type TransitionsReply = Static<typeof S.TransitionsReply>;
export type FunnelReply = Static<typeof S.FunnelReply>;
export type QueueItem = Static<typeof Console.QueueItem>;
export type ConversationRow = Static<typeof Console.ConversationRow>;

export type ExperimentView = Static<typeof Exp.ExperimentView>;
export type ExperimentReport = Static<typeof Exp.ExperimentReportReply>;
export type Insights = Static<typeof Exp.InsightsReply>;
