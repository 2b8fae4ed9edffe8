/** The dashboard's one stylesheet, served as `/dashboard/assets/dashboard.css` (the CSP allows no inline style). */
export const DASHBOARD_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: 0 24px; display: flex; align-items: center; gap: 24px; min-height: 52px; }
header .brand { font-weight: 600; font-size: 16px; }
header nav { display: flex; gap: 16px; flex: 1; }
header a { color: #fff; text-decoration: none; opacity: 0.85; }
header a.active, header a:hover { opacity: 1; text-decoration: underline; }
header form { margin: 0; }
header .user { opacity: 0.85; }
header button { background: transparent; color: #fff; border: 1px solid #57606a; border-radius: 6px; padding: 4px 10px; cursor: pointer; font: inherit; }
main { padding: 24px; max-width: 1280px; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.muted { color: #57606a; }
.panel { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 16px; margin: 12px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; }
.card .value { font-size: 26px; font-weight: 600; }
.card .label { color: #57606a; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: #57606a; gap: 2px; }
form.filters input, form.filters select { font: inherit; padding: 4px 6px; border: 1px solid #d0d7de; border-radius: 6px; min-width: 120px; }
button.primary, a.button { background: #1f883d; color: #fff; border: 0; border-radius: 6px; padding: 6px 14px; font: inherit; cursor: pointer; text-decoration: none; display: inline-block; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #d0d7de; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td { overflow-wrap: anywhere; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; border: 1px solid transparent; }
.badge.success, .badge.ok { background: #dafbe1; color: #116329; }
.badge.pending, .badge.emergency { background: #fff8c5; color: #7d4e00; }
.badge.failure, .badge.error, .badge.bypass, .badge.emergency-overdue, .badge.broken, .badge.none { background: #ffebe9; color: #a40e26; }
.downloads a { margin-right: 12px; }
.paging { display: flex; gap: 16px; align-items: center; margin: 12px 0; }
.chart { max-width: 100%; height: auto; background: #fff; }
.timeline { list-style: none; padding: 0; margin: 0; }
.timeline li { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; margin: 10px 0; }
.timeline .head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.timeline .kind { font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; }
dl.facts dt { color: #57606a; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
details pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; background: #f6f8fa; padding: 8px; border-radius: 6px; max-height: 420px; overflow: auto; }
.errors { background: #ffebe9; border: 1px solid #ff8182; border-radius: 8px; padding: 12px 16px; }
.center { max-width: 560px; margin: 64px auto; text-align: center; }
`;
