import { z } from 'zod';

/** The parts of the deployment webhooks we rely on (see payloads.ts for the others). */

const Repository = z.object({ name: z.string(), owner: z.object({ login: z.string() }) });
const Login = z.object({ login: z.string() }).nullable().optional();
const Sha = z.string().regex(/^[0-9a-f]{40}$/);

const Deployment = z.object({
  id: z.number(),
  sha: Sha,
  ref: z.string(),
  task: z.string(),
  environment: z.string(),
  creator: Login,
  created_at: z.string(),
});

export const ProtectionRulePayload = z.object({
  repository: Repository,
  environment: z.string().min(1),
  sha: Sha,
  ref: z.string().nullable().optional(),
  deployment_callback_url: z.url(),
  deployment: z.object({ id: z.number(), sha: Sha }).nullable().optional(),
});
export type ProtectionRulePayload = z.infer<typeof ProtectionRulePayload>;

export const DeploymentPayload = z.object({ repository: Repository, deployment: Deployment, sender: Login });
export type DeploymentPayload = z.infer<typeof DeploymentPayload>;

export const DeploymentStatusPayload = z.object({
  repository: Repository,
  deployment: Deployment,
  deployment_status: z.object({
    /** Grows with time: statuses of one environment are recorded in this order. */
    id: z.number().int(),
    state: z.string(),
    creator: Login,
    created_at: z.string(),
    description: z.string().nullable().optional(),
    environment: z.string().optional(),
  }),
});
export type DeploymentStatusPayload = z.infer<typeof DeploymentStatusPayload>;
