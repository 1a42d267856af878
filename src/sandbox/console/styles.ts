// The console's stylesheet, served as /sandbox/console.css: Slack's layout and colours, close enough that a
// newcomer recognises what they will see in their own workspace.
export const CONSOLE_CSS = `
:root {
  --aubergine: #3f0e40; --aubergine-dark: #350d36; --aubergine-light: #522653; --side-text: #cfc3cf;
  --text: #1d1c1d; --muted: #616061; --line: #dddddd; --hover: #f8f8f8; --link: #1264a3;
  --green: #007a5a; --red: #e01e5a; --orange: #e8912d; --yellow: #ecb22e; --blue: #1264a3; --purple: #7c3085; --grey: #868686;
  --pinned: #fef6e0; --pinned-line: #f2c744; --ephemeral: #f4f8fb;
  font-family: Lato, "Segoe UI", "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif;
  font-size: 15px; color: var(--text);
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; background: #fff; }
body.offline .topbar { background: #7a1f1f; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font-family: Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; color: #c01343; background: #f6f6f6; border: 1px solid #e0e0e0; border-radius: 3px; padding: 1px 3px; }
.muted { color: var(--muted); }

/* Top bar */
.topbar { display: flex; align-items: center; gap: 18px; padding: 8px 16px; background: var(--aubergine-dark); color: #fff; border-bottom: 1px solid #5d3a5e; flex: none; flex-wrap: wrap; }
.brand { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 16px; }
.logo { display: inline-flex; align-items: center; justify-content: center; width: 26px; height: 26px; border-radius: 6px; background: #e8602c; color: #fff; font-size: 13px; }
.brand-mode { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .06em; background: var(--yellow); color: var(--aubergine-dark); border-radius: 4px; padding: 2px 6px; }
.alert-controls { display: flex; align-items: center; gap: 8px; flex: 1; flex-wrap: wrap; }
.alert-controls form { margin: 0; }
.control-label, .acting label { font-size: 12px; color: var(--side-text); text-transform: uppercase; letter-spacing: .05em; font-weight: 700; }
.acting { display: flex; align-items: center; gap: 8px; margin: 0; }
.acting select { font: inherit; font-size: 14px; padding: 4px 8px; border-radius: 6px; border: 1px solid #8d6e8e; background: var(--aubergine-light); color: #fff; }
.custom-alert { position: relative; }
.custom-alert > summary { list-style: none; }
.custom-alert > summary::-webkit-details-marker { display: none; }
.popover { position: absolute; top: 38px; left: 0; z-index: 20; width: 320px; display: grid; gap: 8px; padding: 14px; background: #fff; color: var(--text); border: 1px solid var(--line); border-radius: 8px; box-shadow: 0 8px 24px rgba(0,0,0,.18); }
.popover label { display: grid; gap: 3px; font-size: 13px; font-weight: 700; }
.popover input, .popover select { font: inherit; font-weight: 400; padding: 6px 8px; border: 1px solid #bbb; border-radius: 4px; }
.popover-note { margin: 0; font-size: 12px; color: var(--muted); }

/* Buttons, as Block Kit draws them */
.bk-btn { display: inline-flex; align-items: center; gap: 4px; font: inherit; font-size: 14px; font-weight: 700; line-height: 1.2; padding: 6px 12px; min-height: 32px; border-radius: 6px; border: 1px solid #c7c7c7; background: #fff; color: var(--text); cursor: pointer; white-space: nowrap; }
.bk-btn:hover { background: #f6f6f6; text-decoration: none; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.bk-btn:disabled { opacity: .55; cursor: default; }
.bk-btn-primary { background: var(--green); border-color: var(--green); color: #fff; }
.bk-btn-primary:hover { background: #148567; }
.bk-btn-danger { background: var(--red); border-color: var(--red); color: #fff; }
.bk-btn-danger:hover { background: #c51a4f; }
.bk-btn-form { display: inline; margin: 0; }
.sending { opacity: .7; }

/* Layout */
.layout { flex: 1; display: grid; grid-template-columns: 270px minmax(0, 1fr) 330px; min-height: 0; }
.sidebar { background: var(--aubergine); color: var(--side-text); overflow-y: auto; padding: 10px 0 20px; }
.side-title { font-size: 13px; font-weight: 700; color: var(--side-text); margin: 14px 16px 4px; text-transform: uppercase; letter-spacing: .05em; }
.side-empty { margin: 4px 16px; font-size: 13px; opacity: .8; }
.chans { list-style: none; margin: 0; padding: 0; }
.chan { display: flex; align-items: center; gap: 8px; padding: 5px 16px; color: var(--side-text); font-size: 15px; }
.chan:hover { background: var(--aubergine-light); text-decoration: none; }
.chan .hash { width: 14px; text-align: center; opacity: .8; flex: none; }
.chan.incident .hash { color: #ff8a80; font-size: 11px; }
.chan-name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chan-count { display: none; }
.chan.unread { color: #fff; font-weight: 700; }
.chan.unread .chan-count { display: inline-block; font-size: 11px; font-weight: 700; background: var(--red); color: #fff; border-radius: 9px; padding: 0 6px; }
.chan.active { background: #1164a3; color: #fff; }
.chan.archived { opacity: .55; }

/* Channel */
.channel { display: flex; flex-direction: column; min-height: 0; min-width: 0; border-right: 1px solid var(--line); }
.channel-head { padding: 10px 20px; border-bottom: 1px solid var(--line); flex: none; }
.channel-title { display: flex; align-items: center; gap: 10px; }
.channel-title h1 { font-size: 18px; margin: 0; font-weight: 900; overflow-wrap: anywhere; }
.channel-title .hash { color: var(--muted); margin-right: 2px; font-weight: 400; }
.channel-about { font-size: 13px; color: var(--muted); margin-top: 2px; }
.badge { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; border-radius: 4px; padding: 2px 6px; background: #eee; color: var(--muted); white-space: nowrap; }
.badge-incident { background: #fde8ec; color: var(--red); }
.messages { flex: 1; overflow-y: auto; padding: 8px 0 16px; }
.empty { margin: 40px 20px; color: var(--muted); text-align: center; }

.msg { position: relative; padding: 8px 20px; }
.msg:hover { background: var(--hover); }
.msg.pinned { background: var(--pinned); box-shadow: inset 3px 0 0 var(--pinned-line); }
.msg.ephemeral { background: var(--ephemeral); box-shadow: inset 3px 0 0 #9ec3e6; }
.msg.failed { box-shadow: inset 3px 0 0 var(--red); }
.pin-label { font-size: 12px; color: var(--muted); margin: 0 0 4px 48px; }
.msg-row { display: flex; gap: 10px; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; display: flex; align-items: center; justify-content: center; font-weight: 900; color: #fff; font-size: 16px; }
.avatar-bot { background: #e8602c; font-size: 14px; }
.avatar-slackbot { background: #36c5f0; }
.tone-a { background: #7c3085; } .tone-b { background: #2bac76; } .tone-c { background: #1264a3; } .tone-d { background: #d9822b; } .tone-e { background: #4a154b; }
.msg-main { flex: 1; min-width: 0; }
.msg-meta { display: flex; align-items: baseline; gap: 8px; line-height: 1.4; }
.author { font-weight: 900; }
.app-tag { font-size: 10px; font-weight: 700; background: #e8e8e8; color: var(--muted); border-radius: 3px; padding: 1px 4px; }
.msg-meta time, .edited, .only-you { font-size: 12px; color: var(--muted); }
.msg-text { line-height: 1.47; overflow-wrap: anywhere; }
.command-echo { font-size: 13px; color: var(--muted); margin: 2px 0 4px; }
.command-user { font-weight: 700; color: var(--text); }
.command-only { padding: 2px 20px 2px 66px; }
.thread { margin-top: 6px; border-left: 3px solid var(--line); padding-left: 8px; }
.thread .msg { padding: 6px 8px; }
.msg-tools { position: absolute; top: 6px; right: 16px; margin: 0; display: none; }
.msg:hover > .msg-tools { display: block; }
.tool { font: inherit; font-size: 12px; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 3px 8px; cursor: pointer; color: var(--muted); }
.tool:hover { color: var(--text); }
.msg-edit { position: absolute; top: 6px; right: 150px; margin: 0; display: none; }
.msg-edit > summary { list-style: none; }
.msg-edit > summary::-webkit-details-marker { display: none; }
.msg-edit .popover { left: auto; right: 0; top: 28px; }
.msg:hover > .msg-edit, .msg-edit[open] { display: block; }
/* The join, invite and leave controls wrap under the name on a narrow screen rather than widen the page. */
.channel-title { flex-wrap: wrap; min-width: 0; }
.channel-title .membership { margin: 0 0 0 auto; display: flex; gap: 6px; flex-wrap: wrap; }
.channel-title .membership + .membership { margin-left: 0; }
.reactions { display: flex; gap: 4px; margin-top: 4px; }
.reaction { font-size: 12px; border: 1px solid var(--line); border-radius: 12px; padding: 1px 8px; background: #fff; }
.reaction.mine { border-color: #1d9bd1; background: #e8f5fa; }
.files { display: grid; gap: 6px; margin-top: 6px; }
.file { border: 1px solid var(--line); border-radius: 8px; background: #fff; max-width: 640px; }
.file > summary { display: flex; align-items: center; gap: 10px; padding: 10px 12px; cursor: pointer; list-style: none; }
.file-icon { width: 30px; height: 30px; border-radius: 6px; background: #3aa3e3; color: #fff; display: flex; align-items: center; justify-content: center; }
.file-title { font-weight: 700; }
.file-name { font-size: 12px; color: var(--muted); }
.file-content { margin: 0; padding: 10px 12px; max-height: 320px; overflow: auto; border-top: 1px solid var(--line); font-size: 12px; white-space: pre-wrap; background: #fbfbfb; }
.file-open { display: block; padding: 6px 12px 10px; font-size: 13px; }

/* Block Kit */
.blocks { display: grid; gap: 6px; margin-top: 2px; max-width: 720px; }
.bk-header { font-size: 18px; font-weight: 900; line-height: 1.35; margin: 2px 0; }
.bk-section { display: flex; gap: 12px; align-items: flex-start; line-height: 1.47; }
.bk-section-body { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.bk-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 2px; }
.bk-text + .bk-fields { margin-top: 8px; }
.bk-accessory { flex: none; }
.bk-context { display: flex; flex-wrap: wrap; gap: 8px; font-size: 12px; color: var(--muted); }
.bk-context code { font-size: 11px; }
.bk-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 2px 0; }
.bk-divider { border: 0; border-top: 1px solid var(--line); margin: 4px 0; width: 100%; }
.bk-chip, .bk-image-chip { display: inline-block; font-size: 13px; border: 1px solid var(--line); border-radius: 6px; padding: 5px 10px; color: var(--muted); background: #fff; }
.bk-fallback { font-size: 13px; color: var(--muted); border: 1px dashed #ccc; border-radius: 6px; padding: 6px 8px; white-space: pre-wrap; }
.bk-fallback-type { font-weight: 700; font-size: 11px; text-transform: uppercase; }
.bk-markdown { white-space: pre-wrap; }
.mention { background: #e8f5fa; color: var(--link); border-radius: 3px; padding: 0 2px; font-weight: 400; }
.mention-special { background: #fcefd6; color: #a0660d; }
a.mention-channel:hover { text-decoration: underline; }
.mrkdwn-pre { font-family: Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; }
blockquote { margin: 2px 0; padding-left: 10px; border-left: 4px solid #ddd; }
.emoji { display: inline-block; min-width: 1.1em; text-align: center; font-weight: 700; }
.emoji.tone-red { color: #e01e5a; } .emoji.tone-orange { color: #e8912d; } .emoji.tone-yellow { color: #d4a11a; } .emoji.tone-blue { color: #1d9bd1; }
.emoji.tone-green { color: #2bac76; } .emoji.tone-grey { color: #868686; } .emoji.tone-purple { color: #7c3085; }
.emoji.tone-red, .emoji.tone-orange, .emoji.tone-yellow, .emoji.tone-blue, .emoji.tone-green, .emoji.tone-grey, .emoji.tone-purple { background: none; }

/* Composer */
.composer { flex: none; padding: 0 20px 14px; margin: 0; }
.composer-box { display: flex; border: 1px solid #b5b5b5; border-radius: 8px; overflow: hidden; }
.composer-box:focus-within { border-color: #868686; box-shadow: 0 0 0 1px #868686; }
.composer-box input { flex: 1; font: inherit; border: 0; padding: 11px 12px; outline: none; min-width: 0; }
.send { font: inherit; font-weight: 700; border: 0; background: var(--green); color: #fff; padding: 0 18px; cursor: pointer; }
.composer-hints { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.hint-chip { font-family: Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 11px; border: 1px solid var(--line); background: #fff; color: var(--muted); border-radius: 10px; padding: 2px 8px; cursor: pointer; }
.hint-chip:hover { color: var(--text); border-color: #aaa; }

/* Panels */
.panels { overflow-y: auto; background: #f8f8f8; }
.panel { padding: 14px 16px; border-bottom: 1px solid var(--line); }
.panel-title { font-size: 15px; margin: 0 0 10px; font-weight: 900; }
.panel-sub { font-size: 11px; font-weight: 400; color: var(--muted); margin-left: 4px; }
.panel-subtitle { font-size: 12px; text-transform: uppercase; color: var(--muted); margin: 12px 0 6px; }
.panel-empty { font-size: 13px; color: var(--muted); margin: 0; }
.pages, .groups, .loose { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.page { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--red); border-radius: 6px; padding: 10px 12px; }
.page-acknowledged { border-left-color: var(--orange); }
.page-resolved { border-left-color: #2bac76; opacity: .8; }
.page-head { display: flex; align-items: center; gap: 8px; font-size: 12px; }
.page-number { font-weight: 700; color: var(--muted); }
.status { font-weight: 700; border-radius: 4px; padding: 1px 6px; color: #fff; }
.status-triggered { background: var(--red); } .status-acknowledged { background: var(--orange); } .status-resolved { background: #2bac76; }
.urgency { color: var(--muted); }
.page-title { font-weight: 700; font-size: 14px; margin: 6px 0 4px; line-height: 1.35; }
.page-line { font-size: 12px; color: var(--muted); }
.page-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.page-actions form { margin: 0; }
.page-actions .bk-btn, .alert-controls .bk-btn { min-height: 28px; padding: 4px 10px; font-size: 13px; }
.group { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.group-head { display: flex; justify-content: space-between; gap: 8px; font-size: 13px; }
.group-name { font-weight: 700; font-family: Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.group-range { color: var(--muted); font-size: 12px; white-space: nowrap; }
.instances { display: flex; flex-wrap: wrap; gap: 3px; margin: 8px 0 6px; }
.instance { display: inline-block; width: 12px; height: 12px; border-radius: 3px; background: #2bac76; vertical-align: middle; }
.instance.pending { background: #fff; border: 2px solid var(--yellow); }
.instance.terminating { background: #ccc; }
.group-counts { font-size: 13px; color: var(--muted); }
.count-running { font-weight: 900; color: var(--text); font-size: 15px; }
.loose li { font-size: 12px; font-family: Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; }

/* Modal */
#modal:empty { display: none; }
.modal-backdrop { position: fixed; inset: 0; background: rgba(29,28,29,.55); display: flex; align-items: flex-start; justify-content: center; padding-top: 8vh; z-index: 50; }
.modal { width: min(560px, 94vw); max-height: 84vh; display: flex; flex-direction: column; background: #fff; border-radius: 10px; box-shadow: 0 18px 48px rgba(0,0,0,.35); overflow: hidden; }
.modal-form { display: flex; flex-direction: column; min-height: 0; margin: 0; }
.modal-head { display: flex; align-items: center; gap: 10px; padding: 16px 24px; border-bottom: 1px solid var(--line); }
.modal-head h2 { font-size: 20px; margin: 0; font-weight: 900; }
.modal-app { display: inline-flex; align-items: center; justify-content: center; width: 28px; height: 28px; border-radius: 6px; background: #e8602c; color: #fff; font-size: 13px; }
.modal-body { padding: 16px 24px; overflow-y: auto; display: grid; gap: 16px; }
.modal-field { display: grid; gap: 6px; }
.modal-field > label { font-weight: 700; }
.optional { font-weight: 400; color: var(--muted); }
.modal-field input[type=text], .modal-field input[type=number], .modal-field input[type=email], .modal-field input[type=url], .modal-field input[type=date], .modal-field input[type=time], .modal-field input[type=datetime-local], .modal-field textarea, .modal-field select { font: inherit; padding: 8px 10px; border: 1px solid #b5b5b5; border-radius: 6px; width: 100%; }
.modal-field textarea { resize: vertical; min-height: 64px; }
.modal-field.has-error input, .modal-field.has-error textarea, .modal-field.has-error select { border-color: var(--red); }
.hint { font-size: 13px; color: var(--muted); }
.field-error { font-size: 13px; color: var(--red); font-weight: 700; }
.choices { display: grid; gap: 4px; }
.modal-foot { display: flex; justify-content: flex-end; gap: 8px; padding: 14px 24px; border-top: 1px solid var(--line); background: #fafafa; }

/* Toast */
#toast { position: fixed; bottom: 16px; left: 16px; transform: translateY(12px); opacity: 0; pointer-events: none; transition: opacity .2s, transform .2s; background: #1d1c1d; color: #fff; padding: 10px 16px; border-radius: 8px; font-size: 14px; max-width: 238px; z-index: 60; line-height: 1.4; box-shadow: 0 6px 20px rgba(0,0,0,.25); }
#toast.show { opacity: 1; transform: none; }
#toast.error { background: #a3133f; }

/* Narrower screens keep every part reachable. Up to 1100 px (a laptop's split screen): the channels become a
   strip above the channel, and PagerDuty and the cloud stay beside it, so a scale-out is seen as it happens. */
.panel-jump { display: none; }
@media (max-width: 1100px) {
  .topbar { gap: 8px 14px; }
  .acting { margin-left: auto; }
  .alert-controls { order: 3; flex-basis: 100%; }
  .layout { grid-template-columns: minmax(0, 1fr) 290px; grid-template-rows: auto minmax(0, 1fr); }
  .sidebar { grid-column: 1 / -1; display: flex; align-items: center; gap: 4px; overflow-x: auto; overflow-y: hidden; padding: 6px 8px; }
  .side-title { margin: 0 4px 0 8px; font-size: 11px; white-space: nowrap; }
  .side-empty { margin: 0 8px 0 0; font-size: 12px; white-space: nowrap; }
  .chans { display: flex; gap: 2px; }
  .chan { padding: 3px 10px; border-radius: 6px; font-size: 14px; white-space: nowrap; }
  .chan-name { overflow: visible; }
  .panel { padding: 12px; }
}
/* Up to 700 px (a phone): one column that scrolls as a page; the channel keeps most of the screen, PagerDuty and
   the cloud follow below it, and a bar under the channel strip jumps to them. */
@media (max-width: 700px) {
  html, body { height: auto; }
  .topbar { padding: 8px 10px; }
  .alert-controls .control-label { display: none; }
  .popover { width: min(320px, calc(100vw - 20px)); }
  .layout { display: block; }
  .panel-jump { display: flex; gap: 6px; align-items: center; padding: 6px 12px; background: #f8f8f8; border-bottom: 1px solid var(--line); font-size: 13px; position: sticky; top: 0; z-index: 10; }
  .panel-jump a { border: 1px solid var(--line); background: #fff; border-radius: 12px; padding: 2px 10px; font-weight: 700; }
  .channel { height: calc(100vh - 150px); min-height: 360px; border-right: 0; border-bottom: 1px solid var(--line); }
  .channel-head { padding: 8px 12px; }
  .msg { padding: 8px 12px; }
  .pin-label { margin-left: 46px; }
  .command-only { padding-left: 58px; }
  .composer { padding: 0 12px 10px; }
  .bk-fields { grid-template-columns: 1fr; }
  .panels { overflow: visible; }
  .panel { scroll-margin-top: 44px; }
}
`;
