import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createJiraTicketReader } from '../../src/tickets/jira/create-jira-ticket-reader.js';
import type { JiraSettings } from '../../src/tickets/jira/jira-env.js';
import { jqlString } from '../../src/tickets/jira/jira-ticket-writer.js';
import { createServiceNowTicketReader } from '../../src/tickets/servicenow/create-servicenow-ticket-reader.js';
import type { ServiceNowSettings } from '../../src/tickets/servicenow/servicenow-env.js';
import type { TicketReader } from '../../src/tickets/ticket-reader.js';
import { DEFAULT_SERVICENOW_USER, startServiceNowSimulator, type ServiceNowSimulator } from '../simulators/index.js';
import { DEFAULT_JIRA_CLOUD, startJiraSimulator, type JiraSimulator } from '../simulators/jira/create-jira-simulator.js';

/** `ticket.create` / `ticket.close_on` calls of each provider, against the simulators (their shapes and paths). */

const MARKER = 'change-control-pr:acme/payments#7';
const TICKET = {
  project: 'CHG',
  type: 'Change',
  summary: 'Rotate certs',
  lines: ['PR: https://github.test/acme/payments/pull/7'],
  marker: MARKER,
};
const PAT = 'dc-pat-s3cret';

let jira: JiraSimulator;
let dc: JiraSimulator;
let sn: ServiceNowSimulator;
beforeAll(async () => {
  [jira, dc, sn] = await Promise.all([startJiraSimulator(), startJiraSimulator({ personalAccessToken: PAT }), startServiceNowSimulator()]);
});
afterAll(async () => {
  await Promise.all([jira.stop(), dc.stop(), sn.stop()]);
});
afterEach(() => {
  for (const sim of [jira, dc, sn]) {
    expect(sim.unexpectedRequests()).toEqual([]);
    sim.reset();
  }
});

const writer = (reader: TicketReader) => reader as Required<TicketReader>;
const cloudReader = () =>
  writer(createJiraTicketReader({ baseUrl: jira.url, auth: { kind: 'cloud', ...DEFAULT_JIRA_CLOUD }, timeoutMs: 2000 } as JiraSettings));
const dcReader = () =>
  writer(createJiraTicketReader({ baseUrl: dc.url, auth: { kind: 'data-center', personalAccessToken: PAT }, timeoutMs: 2000 }));
const snReader = () =>
  writer(
    createServiceNowTicketReader({
      instanceUrl: sn.url,
      auth: { kind: 'basic', ...DEFAULT_SERVICENOW_USER },
      timeoutMs: 2000,
    } satisfies ServiceNowSettings),
  );

describe('jqlString', () => {
  it.each([
    { text: 'change-control-pr:acme/payments#7', jql: '"change-control-pr:acme/payments#7"' },
    { text: 'a "quoted" \\ label', jql: '"a \\"quoted\\" \\\\ label"' },
  ])('quotes $text', ({ text, jql }) => {
    expect(jqlString(text)).toBe(jql);
  });
});

describe.each([
  { name: 'Jira Cloud (REST v3)', sim: () => jira, reader: cloudReader, version: '3', search: '/rest/api/3/search/jql' },
  { name: 'Jira Data Center (REST v2)', sim: () => dc, reader: dcReader, version: '2', search: '/rest/api/2/search' },
])('$name', ({ sim, reader, version, search }) => {
  it('creates the issue with the marker as its label, and finds it again by the label', async () => {
    const { key } = await reader().create(TICKET);

    expect(sim().created()).toEqual([expect.objectContaining({ key, labels: [MARKER], summary: 'Rotate certs', type: 'Change' })]);
    expect(await reader().findByMarker({ marker: MARKER, project: 'CHG' })).toBe(key);
    expect(await reader().findByMarker({ marker: 'change-control-pr:acme/payments#8', project: 'CHG' })).toBeNull();
    expect(
      sim()
        .requests()
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([`POST /rest/api/${version}/issue`, `GET ${search}`, `GET ${search}`]);
  });

  it("never finds an issue someone else created, even labelled with the PR marker (only the app account's own)", async () => {
    sim().addIssue({ key: 'CHG-50', status: 'Approved' });
    sim().labelIssue('CHG-50', [MARKER]);

    expect(await reader().findByMarker({ marker: MARKER, project: 'CHG' })).toBeNull();
    const { key } = await reader().create(TICKET);
    expect(await reader().findByMarker({ marker: MARKER, project: 'CHG' })).toBe(key);
  });

  it('closes through the transition to the close status, then comments the evidence', async () => {
    sim().addIssue({ key: 'CHG-9', status: 'Approved' });

    const result = await reader().close({ key: 'CHG-9', status: 'done', closeCode: 'successful', lines: ['Merged'] });

    expect(result.steps).toEqual([
      { step: 'transition', ok: true, error: null },
      { step: 'comment', ok: true, error: null },
    ]);
    expect(
      sim()
        .writes()
        .map((w) => [w.kind, w.body]),
    ).toEqual([
      ['transition', { transition: { id: '41' } }],
      ['comment', expect.anything()],
    ]);
  });

  it('reports a close status no open transition leads to, naming the open ones, and changes nothing', async () => {
    sim().addIssue({ key: 'CHG-9', status: 'Approved' });

    const result = await reader().close({ key: 'CHG-9', status: 'Released', closeCode: 'successful', lines: ['Merged'] });

    expect(result.steps).toEqual([
      {
        step: 'transition',
        ok: false,
        error: expect.stringMatching(/^CHG-9 has no transition to Released open to the app \(open: Request approval → Awaiting Approval, /),
      },
    ]);
    expect(sim().writes()).toEqual([]);
  });

  it('a create Jira fails is a retryable provider error (the caller searches before creating again)', async () => {
    sim().failNextCreates({ status: 500 });

    await expect(reader().create(TICKET)).rejects.toMatchObject({ name: 'TicketProviderError', retryable: true });
    expect(sim().created()).toEqual([]);
  });
});

describe('ServiceNow (Table API)', () => {
  it('creates a change_request with the marker as correlation_id, and finds it again by it', async () => {
    const { key } = await snReader().create({ ...TICKET, type: 'normal' });

    expect(sn.change(key)).toMatchObject({ correlationId: MARKER, shortDescription: 'Rotate certs', type: 'normal', state: 'New' });
    expect(await snReader().findByMarker({ marker: MARKER, project: 'CHG' })).toBe(key);
    expect(await snReader().findByMarker({ marker: 'change-control-pr:acme/payments#8', project: 'CHG' })).toBeNull();
  });

  it('closes with state, close code and close notes; an unknown change is a failed step', async () => {
    sn.addChange({ number: 'CHG0030001', state: 'Implement' });

    const closed = await snReader().close({ key: 'CHG0030001', status: 'Closed', closeCode: 'successful', lines: ['Merged', 'by bob'] });
    const missing = await snReader().close({ key: 'CHG0039999', status: 'Closed', closeCode: 'successful', lines: [] });

    expect(closed.steps).toEqual([{ step: 'close', ok: true, error: null }]);
    expect(sn.change('CHG0030001')).toMatchObject({ state: 'Closed', closeCode: 'successful', closeNotes: 'Merged\nby bob' });
    expect(missing.steps).toEqual([{ step: 'close', ok: false, error: 'ServiceNow has no change CHG0039999' }]);
  });
});
