// The review page: clean an article through the service, mark every change and flag in
// place, let an editor accept or reject each change, and apply the chosen subset from the
// offsets alone.  The page asks for UTF-16 offsets ("offsets": "utf16"), the units of
// JavaScript strings, so String.prototype.slice is exact even on emoji and other
// characters above U+FFFF.  No build step, no third-party code.
"use strict";

const $ = (selector) => document.querySelector(selector);
// A textarea's value turns every line end into "\n": the exact texts live here.
const state = { text: "", output: "", result: null, accepted: [], batch: null, report: null, loaded: null };

// -- the words, shared with `normalizer clean --diff` ------------------------------------

// Python's format(x, ".2f"): an exact tie (0.125, 0.625) goes to the even digit, where
// toFixed rounds it up.  toFixed(60) shows enough of the exact binary value to tell a
// true tie from a near one (0.005 is a little above 0.005 and rounds up in both).
function formatConfidence(value) {
  const digits = value.toFixed(60);
  const dot = digits.indexOf(".");
  if (/^50*$/.test(digits.slice(dot + 3))) {
    const low = Number(digits.slice(0, dot + 3));
    return (Number(digits[dot + 2]) % 2 === 0 ? low : low + 0.01).toFixed(2);
  }
  return value.toFixed(2);
}

function quoted(text) {
  return JSON.stringify(text);
}

function changeLine(change) {
  return `${quoted(change.original)} → ${quoted(change.replacement)}  ` +
    `${change.rule} ${formatConfidence(change.confidence)}`;
}

function flagLine(flag, text) {
  const span = Array.from(text.slice(flag.start, flag.end)).slice(0, 60).join("");
  return `flag ${flag.rule}  ${quoted(span)}`;
}

function summaryLine(result) {
  return `${result.changes.length} change(s), ${result.flags.length} flag(s), ` +
    `language ${result.language}`;
}

// -- applying a subset of the changes ---------------------------------------------------

function applyChanges(text, changes) {
  const pieces = [];
  let position = 0;
  for (const change of changes) {
    if (change.start < position || change.end < change.start || change.end > text.length) {
      throw new Error(`change [${change.start}, ${change.end}) overlaps or is out of order`);
    }
    pieces.push(text.slice(position, change.start), change.replacement);
    position = change.end;
  }
  pieces.push(text.slice(position));
  return pieces.join("");
}

function acceptedChanges() {
  return state.result.changes.filter((_, index) => state.accepted[index]);
}

// -- marking the article ----------------------------------------------------------------

let tipCount = 0;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// Invisible characters made visible inside a mark, and so are spaces and line ends when
// they are all a mark holds, so that a removed space or joiner can be seen and clicked.
function visible(text) {
  const blank = /^\s*$/u.test(text);
  return text.replace(/[ \t\u00a0\u200b-\u200f\u2028-\u202e\u2060\ufeff]|\r?\n/gu, (char) => {
    if (char === " ") return blank ? "·" : char;
    if (char === "\t") return blank ? "⇥" : char;
    if (char === "\n" || char === "\r\n") return blank ? "⏎" + char : char;
    return `⟨U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`;
  });
}

function tip(lines) {
  tipCount += 1;
  const id = `tip-${tipCount}`;
  const node = element("span", { class: "tip", role: "tooltip", id });
  lines.forEach((line, index) => {
    if (index) node.append("\n");
    node.append(line);
  });
  return node;
}

function flagLines(flags) {
  return flags.flatMap((flag) => [flagLine(flag, state.text), flag.message]);
}

function changeMark(change, index, flags) {
  const lines = [changeLine(change), change.message, ...flagLines(flags)];
  const details = tip(lines);
  const mark = element(
    "span",
    {
      class: "change accepted" + (flags.length ? " flagged" : ""),
      role: "checkbox",
      "aria-checked": "true",
      tabindex: "0",
      "aria-label": changeLine(change),
      "aria-describedby": details.id,
      "data-index": String(index),
      dir: "auto",
    },
    element("del", {}, visible(change.original)),
    element("ins", {}, visible(change.replacement)),
    details,
  );
  return mark;
}

function flagMark(text, flags, isPoint) {
  const details = tip(flagLines(flags));
  return element(
    "mark",
    {
      class: "flag" + (isPoint ? " point" : ""),
      tabindex: "0",
      "aria-label": flags.map((flag) => flagLine(flag, state.text)).join("; "),
      "aria-describedby": details.id,
      dir: "auto",
    },
    isPoint ? "!" : text,
    details,
  );
}

function touches(flag, change) {
  if (flag.start === flag.end) return change.start <= flag.start && flag.start <= change.end;
  return flag.start < change.end && change.start < flag.end;
}

// The text between two changes, with the flags inside it marked.
function plainSegment(start, end, inside) {
  const text = state.text;
  const cuts = new Set([start, end]);
  for (const flag of inside) {
    cuts.add(Math.max(start, flag.start));
    cuts.add(Math.min(end, flag.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  points.forEach((cut, index) => {
    const pointFlags = inside.filter((flag) => flag.start === flag.end && flag.start === cut);
    if (pointFlags.length) nodes.push(flagMark("", pointFlags, true));
    const next = points[index + 1];
    if (next === undefined || next === cut) return;
    const covering = inside.filter((flag) => flag.start <= cut && next <= flag.end && flag.start < flag.end);
    const piece = text.slice(cut, next);
    nodes.push(covering.length ? flagMark(piece, covering, false) : document.createTextNode(piece));
  });
  return nodes;
}

// A flag that touches a change is shown in that change's mark; every other flag lies
// wholly in the text between two changes and is marked there.
function renderMarks() {
  const { changes, flags } = state.result;
  const free = flags.filter((flag) => !changes.some((change) => touches(flag, change)));
  const within = (start, end) => free.filter((flag) => flag.start >= start && flag.end <= end);
  const nodes = [];
  let position = 0;
  changes.forEach((change, index) => {
    nodes.push(...plainSegment(position, change.start, within(position, change.start)));
    nodes.push(changeMark(change, index, flags.filter((flag) => touches(flag, change))));
    position = change.end;
  });
  nodes.push(...plainSegment(position, state.text.length, within(position, state.text.length)));
  $("#marked").replaceChildren(...nodes);
}

// -- accepting and rejecting ------------------------------------------------------------

function setAccepted(indices, value) {
  for (const index of indices) {
    state.accepted[index] = value;
    const mark = $(`#marked .change[data-index="${index}"]`);
    mark.classList.toggle("accepted", value);
    mark.classList.toggle("rejected", !value);
    mark.setAttribute("aria-checked", String(value));
  }
  updateResult();
}

function updateResult() {
  const accepted = acceptedChanges();
  state.output = applyChanges(state.text, accepted);
  $("#result").value = state.output;
  const total = state.result.changes.length;
  setStatus(`${accepted.length} of ${total} change(s) accepted.`);
}

function groupButtons(label, indices) {
  const accept = element("button", { type: "button", "aria-label": `Accept all ${label}` }, "Accept all");
  const reject = element("button", { type: "button", "aria-label": `Reject all ${label}` }, "Reject all");
  accept.addEventListener("click", () => setAccepted(indices, true));
  reject.addEventListener("click", () => setAccepted(indices, false));
  return [accept, reject];
}

function renderGroups() {
  const byRule = new Map();
  const byEntity = new Map();
  state.result.changes.forEach((change, index) => {
    if (!byRule.has(change.rule)) byRule.set(change.rule, []);
    byRule.get(change.rule).push(index);
    if (change.entity) {
      const key = change.entity.id;
      if (!byEntity.has(key)) byEntity.set(key, { entity: change.entity, indices: [] });
      byEntity.get(key).indices.push(index);
    }
  });
  $("#by-rule").replaceChildren(...[...byRule].map(([rule, indices]) =>
    element("li", {}, element("code", {}, rule), ` (${indices.length}) `, ...groupButtons(rule, indices))));
  $("#by-entity").replaceChildren(...[...byEntity.values()].map(({ entity, indices }) =>
    element("li", { dir: "auto" }, `${entity.name} (${entity.type}, ${entity.id}) ×${indices.length} `,
      ...groupButtons(entity.name, indices))));
  if (!byEntity.size) $("#by-entity").replaceChildren(element("li", {}, "No entity changes."));
  $("#flag-list").replaceChildren(...state.result.flags.map((flag) =>
    element("li", { dir: "auto" }, element("code", {}, flagLine(flag, state.text)),
      element("span", { class: "message" }, flag.message))));
  if (!state.result.flags.length) $("#flag-list").replaceChildren(element("li", {}, "No flags."));
}

function showResult(text, result) {
  state.text = text;
  state.result = result;
  state.accepted = result.changes.map(() => true);
  $("#summary").textContent = summaryLine(result);
  renderMarks();
  renderGroups();
  $("#review").hidden = false;
  $("#output").hidden = false;
  updateResult();
  if (state.output !== result.text) {
    showProblem({ title: "The change log does not replay", detail: "Applying every change did not give the service's text; please report this article." });
  }
}

// -- talking to the service -------------------------------------------------------------

function setStatus(text) {
  $("#status").textContent = text;
}

function showProblem(problem, status) {
  const box = $("#problem");
  const heading = element("strong", {}, `${status ? status + " " : ""}${problem.title || "Error"}`);
  box.replaceChildren(heading, problem.detail || "");
  box.hidden = false;
  setStatus("");
}

function readOptions() {
  const categories = [...document.querySelectorAll('input[name="category"]:checked')].map((box) => box.value);
  const raw = $("#min_confidence").value.trim();
  const confidence = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  return {
    categories,
    quote_style: $("#quote_style").value,
    diacritics: $("#diacritics").value,
    min_confidence: confidence,
    offsets: "utf16",
  };
}

async function readProblem(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText || "Error", detail: "The service answered without a problem description." };
  }
}

async function post(path, body, contentType) {
  try {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": contentType }, body });
    if (!response.ok) {
      showProblem(await readProblem(response), response.status);
      return null;
    }
    return await response.json();
  } catch (error) {
    showProblem({ title: "The service could not be reached", detail: String(error) });
    return null;
  }
}

// The article as typed, or as opened from a file with its own line ends (\r\n) kept.
function articleText() {
  const shown = $("#article").value;
  const loaded = state.loaded;
  return loaded !== null && shown === loaded.replace(/\r\n?/g, "\n") ? loaded : shown;
}

async function cleanArticle() {
  const text = articleText();
  $("#problem").hidden = true;
  if (!text) {
    showProblem({ title: "No text to clean", detail: "Paste, drop or open an article first." });
    return;
  }
  setStatus("Cleaning…");
  const body = JSON.stringify({ text, options: readOptions() });
  const result = await post("/v1/clean", body, "application/json");
  if (result) showResult(text, result);
}

// -- files: a text, or a batch input or output ------------------------------------------

// A batch output line holds the cleaned text and the log in code points: the input is
// the output with each change undone.
function inputOf(record) {
  if (!Array.isArray(record.changes)) return record.text;
  const output = Array.from(record.text);
  const pieces = [];
  let at = 0;
  let position = 0;
  for (const change of record.changes) {
    const gap = change.start - position;
    pieces.push(output.slice(at, at + gap).join(""), change.original);
    at += gap + Array.from(change.replacement).length;
    position = change.end;
  }
  pieces.push(output.slice(at).join(""));
  return pieces.join("");
}

function parseBatch(content) {
  const records = [];
  content.split("\n").forEach((line, number) => {
    if (!line.trim()) return;
    try {
      const record = JSON.parse(line);
      if (record && typeof record.text === "string") records.push({ line: number + 1, record });
    } catch {
      // not a JSON line: the file is a plain text
    }
  });
  return records;
}

async function openFile(file) {
  const content = await file.text();
  const records = file.name.match(/\.(jsonl|ndjson|json)$/i) ? parseBatch(content) : [];
  $("#document-row").hidden = records.length === 0;
  $("#report").hidden = true;
  if (!records.length) {
    state.batch = null;
    state.loaded = content;
    $("#article").value = content;
    return cleanArticle();
  }
  state.batch = { content, records, name: file.name };
  $("#report-button").hidden = !records.some(({ record }) => Array.isArray(record.changes));
  $("#document").replaceChildren(...records.map(({ line, record }, index) =>
    element("option", { value: String(index) }, `line ${line}: ${record.id ?? "(no id)"}`)));
  return openDocument(0);
}

function openDocument(index) {
  state.loaded = inputOf(state.batch.records[index].record);
  $("#article").value = state.loaded;
  return cleanArticle();
}

// -- the curation report of a batch output ----------------------------------------------

async function showReport() {
  $("#problem").hidden = true;
  setStatus("Gathering the report…");
  const report = await post("/review/report", state.batch.content, "application/x-ndjson");
  if (!report) return;
  state.report = report;
  $("#report-summary").textContent =
    `${report.spellings.length} unknown spelling(s) in ${report.documents} document(s).`;
  $("#report-rows").replaceChildren(...report.spellings.map((item, index) => {
    const suggestion = item.suggestion ? `${item.suggestion.name} (${item.suggestion.id})` : "—";
    const box = element("input", { type: "checkbox", "data-index": String(index), "aria-label": `Add ${item.spelling}` });
    box.checked = Boolean(item.gazetteer_line) && item.count >= 2;  // as `report --min-count 2`
    box.disabled = !item.gazetteer_line;
    return element("tr", {},
      element("td", {}, box), element("td", { dir: "auto" }, item.spelling),
      element("td", {}, String(item.count)), element("td", {}, String(item.documents.length)),
      element("td", { dir: "auto" }, suggestion), element("td", {}, item.evidence),
      element("td", { dir: "auto" }, item.examples[0] || ""));
  }));
  $("#report").hidden = false;
  setStatus("");
}

function download(name, text, type) {
  const link = element("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

// A gazetteer file as `normalizer report -o` writes it: a header, then the ticked lines.
function reportLines() {
  const header = {
    gazetteer: "curation",
    format: 1,
    version: new Date().toISOString().slice(0, 10).replaceAll("-", "."),
    source: "the review page's curation report: suggestions for a curator to review",
  };
  const ticked = [...document.querySelectorAll("#report-rows input:checked")]
    .map((box) => state.report.spellings[Number(box.dataset.index)].gazetteer_line);
  return [header, ...ticked].map((line) => JSON.stringify(line) + "\n").join("");
}

// -- wiring -----------------------------------------------------------------------------

function toggleMark(event) {
  const mark = event.target.closest(".change");
  if (!mark || !$("#marked").contains(mark)) return;
  if (event.type === "keydown" && event.key !== " " && event.key !== "Enter") return;
  event.preventDefault();
  const index = Number(mark.dataset.index);
  setAccepted([index], !state.accepted[index]);
}

// Arrow keys step from mark to mark (changes and flags), so a long article need not be
// crossed with Tab.
function stepMarks(event) {
  const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (!(event.key in steps) || event.altKey || event.ctrlKey || event.metaKey) return;
  const all = [...$("#marked").querySelectorAll(".change, .flag")];
  const here = all.indexOf(document.activeElement);
  if (here < 0) return;
  event.preventDefault();
  all[Math.min(all.length - 1, Math.max(0, here + steps[event.key]))].focus();
}

async function copyResult() {
  const text = state.output;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    $("#result").select();
    document.execCommand("copy");
  }
  setStatus("The result is copied.");
}

function wire() {
  $("#clean").addEventListener("click", cleanArticle);
  $("#marked").addEventListener("click", toggleMark);
  $("#marked").addEventListener("keydown", toggleMark);
  $("#marked").addEventListener("keydown", stepMarks);
  $("#accept-all").addEventListener("click", () => setAccepted(state.result.changes.keys(), true));
  $("#reject-all").addEventListener("click", () => setAccepted(state.result.changes.keys(), false));
  $("#copy").addEventListener("click", copyResult);
  $("#download").addEventListener("click", () => download("cleaned.txt", state.output, "text/plain;charset=utf-8"));
  $("#file").addEventListener("change", (event) => event.target.files[0] && openFile(event.target.files[0]));
  $("#document").addEventListener("change", (event) => openDocument(Number(event.target.value)));
  $("#report-button").addEventListener("click", showReport);
  $("#report-download").addEventListener("click", () => download("gazetteer-additions.jsonl", reportLines(), "application/x-ndjson"));
  const article = $("#article");
  article.addEventListener("dragover", (event) => event.preventDefault());
  article.addEventListener("drop", (event) => {
    if (!event.dataTransfer.files.length) return;
    event.preventDefault();
    openFile(event.dataTransfer.files[0]);
  });
  article.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) cleanArticle();
  });
}

document.addEventListener("DOMContentLoaded", wire);
