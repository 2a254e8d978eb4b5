import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from '../../shared/error-reply.js';
import type { HealthProbe } from './health.js';

/** Renders the numeric fields of the health details as Prometheus text (gauges and counters by name). */
export function toPrometheus(details: Record<string, unknown>): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, type: 'gauge' | 'counter', value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  gauge('omnilane_stream_lag_records', "Records on the bus not yet processed by this process's stream worker (consumer lag).", 'gauge', details.lag);
  gauge(
    'omnilane_stream_events_processed_total',
    "Events counted by this process's stream worker since start (duplicates excluded).",
    'counter',
    details.processed,
  );
  gauge(
    'omnilane_late_events_total',
    "Events later than the KPI allowed lateness, kept in late_events instead of their minute (this process's worker, since start).",
    'counter',
    details.lateEvents,
  );
  gauge(
    'omnilane_rejected_payloads_dropped_total',
    'Refused webhook payloads not stored because their source or the overall per-minute quota was used up (REJECTED_KEEP_*).',
    'counter',
    details.rejectedDropped,
  );
  gauge('omnilane_process_resident_memory_bytes', 'Resident memory of this process.', 'gauge', process.memoryUsage().rss);
  return lines.join('\n') + '\n';
}

/** GET /metrics: operational metrics (consumer lag, throughput) in Prometheus text format. */
export const opsMetricsRoutes: FastifyPluginAsyncTypebox<{ health: HealthProbe }> = async (app, { health }) => {
  app.get(
    '/metrics',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'Operational metrics (engine states, consumer lag per partition, batch and sink latency, ingest outcomes, memory) in Prometheus text format',
        tags: ['ops'],
        security: [{ bearer: [] }],
        response: { 200: Type.String(), 401: ErrorReply },
      },
    },
    async (_req, reply) => reply.type('text/plain; version=0.0.4').send(health.metrics ? await health.metrics() : toPrometheus(await health.details())),
  );
};
