import { z } from 'zod';
import { parsePayload } from '../payloads.js';

const InstallationPayload = z.object({ installation: z.object({ id: z.number().int().positive() }) });

/** The installation a webhook came from: queued work authenticates as it later. */
export function installationOf(event: string, payload: unknown): number {
  return parsePayload(InstallationPayload, event, payload).installation.id;
}
