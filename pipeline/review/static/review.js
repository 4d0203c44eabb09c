// bitext review: keyboard navigation and saving, in plain JavaScript (no build step).
//
// Article text only ever enters the page as text: segments from the server
// are put in with textContent / createTextNode, never innerHTML, and the
// server's Content-Security-Policy forbids inline scripts on top of that.
// Every change is POSTed at once with the page's CSRF token; requests from
// one tab go one after the other, each with the version of the pair it last
// saw, so a change made meanwhile in another tab is reported, not overwritten.
(() => {
  "use strict";

  const token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  const client = Math.random().toString(36).slice(2, 10); // which tab made a change, in the history table
  let queue = Promise.resolve();

  // ``body`` may be a function: it is called when the request is sent, after the ones before it
  // have been answered, so that it carries the pair's version as the last answer left it.
  function post(url, body) {
    const run = async () => {
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
          body: JSON.stringify(typeof body === "function" ? body() : body),
        });
      } catch (err) {
        return { ok: false, status: 0, data: { error: "The server cannot be reached; your change was not saved." } };
      }
      let data = null;
      try { data = await response.json(); } catch (err) { data = { error: "Unexpected answer from the server." }; }
      return { ok: response.ok, status: response.status, data };
    };
    const result = queue.then(run);
    queue = result.catch(() => {});
    return result;
  }

  let toastTimer = null;
  function toast(message, kind) {
    const el = document.getElementById("toast");
    el.textContent = message;
    el.className = kind || "";
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, kind === "error" ? 8000 : 3500);
  }

  function setProgress(box, p) {
    if (!box) return;
    if (p) {
      box.dataset.total = p.total; box.dataset.approved = p.approved; box.dataset.rejected = p.rejected;
      for (const el of box.querySelectorAll("[data-count]")) el.textContent = String(p[el.dataset.count]);
    }
    const total = Number(box.dataset.total) || 0;
    const pct = (n) => (total ? (100 * Number(n)) / total : 0) + "%";
    box.querySelector(".approved").style.width = pct(box.dataset.approved);
    box.querySelector(".rejected").style.width = pct(box.dataset.rejected);
  }
  document.querySelectorAll("[data-progress]").forEach((box) => setProgress(box));

  // The rebuild button: the form works without the script; with it, stay on the page.
  for (const form of document.querySelectorAll("form.rebuild")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      const old = button.textContent;
      button.textContent = "Rebuilding…";
      const { ok, data } = await post("/api/rebuild", {});
      button.disabled = false;
      button.textContent = old;
      if (!ok) { toast(data.error || "Rebuild failed.", "error"); return; }
      const failed = data.results.filter((r) => r.error || r.edits_refused.length);
      const detail = data.results.map((r) => r.summary).join("\n");
      toast(data.message + (detail ? "\n" + detail : ""), failed.length ? "error" : "ok");
      document.body.dataset.rebuilt = String(Number(document.body.dataset.rebuilt || 0) + 1);
    });
  }

  if (document.body.dataset.page !== "article") return;

  // ------------------------------------------------------------ the article page
  const main = document.getElementById("pairs");
  // The header is sticky and wraps to several lines on narrow screens: a pair scrolled into view
  // must stop below it, whatever its height (review.css: scroll-margin-top of .pair).
  const header = document.querySelector("header.top");
  const keepHeaderHeight = () => document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
  keepHeaderHeight();
  new ResizeObserver(keepHeaderHeight).observe(header);
  const apiUrl = "/api/articles/" + main.dataset.article + "/pairs";
  const rows = Array.from(main.querySelectorAll("article.pair"));
  const flagFilter = document.getElementById("flag-filter");
  const statusFilter = document.getElementById("status-filter");
  let current = null;

  function fillSegments(el, segments) {
    el.replaceChildren();
    for (const [kind, text] of segments) {
      if (kind === "c") {
        const span = document.createElement("span");
        span.className = "code";
        span.textContent = text;
        el.append(span);
      } else {
        el.append(document.createTextNode(text));
      }
    }
  }

  const slug = (s) => String(s).toLowerCase().replace(/[^a-z0-9_-]/g, "").slice(0, 40) || "x";

  function applyPair(row, pair) {
    row.dataset.version = pair.version;
    row.dataset.status = slug(pair.status);
    row.dataset.edited = pair.edited ? "yes" : "no";
    row.dataset.flags = pair.flags.map((f) => slug(f.code)).join(" ");
    row.classList.remove("st-pending", "st-approved", "st-rejected", "st-stale");
    row.classList.add("st-" + slug(pair.status));
    fillSegments(row.querySelector(".tgt .text"), pair.tgt_segments);
    row.querySelector(".chip.status").textContent = pair.status_label || pair.status;
    const decided = pair.status === "approved" || pair.status === "rejected";
    for (const el of row.querySelectorAll(".stale-src, .offers")) el.hidden = decided;
    row.querySelector(".chip.edited").hidden = !pair.edited;
    const note = row.querySelector(".note");
    note.querySelector(".note-text").textContent = pair.note;
    note.hidden = !pair.note;
    const flags = row.querySelector(".flags");
    flags.replaceChildren();
    for (const f of pair.flags) {
      const div = document.createElement("div");
      div.className = "flag flag-" + slug(f.code);
      div.title = f.reason;
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = f.code;
      const reason = document.createElement("span");
      reason.className = "reason";
      reason.textContent = f.reason;
      div.append(badge, reason);
      flags.append(div);
    }
    row.dataset.machine = pair.machine_tgt;
    row.dataset.tgt = pair.tgt;
  }

  async function save(row, changes) {
    const body = () => Object.assign({ pair: row.dataset.id, version: Number(row.dataset.version), client }, changes);
    const { ok, status, data } = await post(apiUrl, body);
    if (ok) {
      applyPair(row, data.pair);
      setProgress(document.getElementById("progress"), data.progress);
      applyFilters(false);
      return { ok: true };
    }
    if (status === 409 && data.pair) {
      applyPair(row, data.pair);
    }
    if (status !== 422) toast(data.error || "Not saved.", "error");
    return { ok: false, status, data };
  }

  // ---------------------------------------------------------- selection
  const visible = () => rows.filter((r) => !r.hidden);

  // ``remember``: put the pair in the address (#p3), so a reload comes back to it. Not for the
  // first pair chosen by default: the browser scrolls to an address's pair once the page has
  // loaded, which would move the page under the reviewer's eyes.
  function select(row, scroll = true, remember = true) {
    if (!row) return;
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    if (scroll) row.scrollIntoView({ block: "nearest" });
    if (!editing()) row.focus({ preventScroll: true });
    if (remember) history.replaceState(null, "", location.pathname + location.search + "#" + row.id);
  }

  function move(step) {
    const list = visible();
    if (!list.length) return;
    let i = list.indexOf(current);
    if (i < 0) i = step > 0 ? -1 : list.length;
    select(list[Math.max(0, Math.min(list.length - 1, i + step))]);
  }

  function nextAfter(row) {
    const list = visible();
    const i = list.indexOf(row);
    if (i >= 0 && i + 1 < list.length) select(list[i + 1]);
  }

  // ---------------------------------------------------------- filters
  function matches(row) {
    const flag = flagFilter.value;
    const status = statusFilter.value;
    const flags = row.dataset.flags.split(" ").filter(Boolean);
    if (flag === "*" && !flags.length) return false;
    if (flag === "-" && flags.length) return false;
    if (flag && flag !== "*" && flag !== "-" && !flags.includes(flag)) return false;
    if (status === "edited") return row.dataset.edited === "yes";
    if (status && row.dataset.status !== status) return false;
    return true;
  }

  function applyFilters(fromUser) {
    let shown = 0;
    for (const row of rows) {
      // A row being worked on stays visible even if it no longer matches (e.g. just approved
      // under "pending"); it goes when the filters are changed.
      const keep = !fromUser && row === current && !row.hidden;
      row.hidden = !(matches(row) || keep);
      if (!row.hidden) shown += 1;
    }
    document.getElementById("shown").textContent = shown === rows.length ? rows.length + " pairs" : shown + " of " + rows.length + " pairs";
    document.getElementById("empty").hidden = shown > 0;
    if (fromUser) {
      const params = new URLSearchParams();
      if (flagFilter.value) params.set("flag", flagFilter.value);
      if (statusFilter.value) params.set("status", statusFilter.value);
      const q = params.toString();
      history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
      if (current && current.hidden) current.classList.remove("current");
      if (!current || current.hidden) select(visible()[0]);
    }
  }

  const initial = new URLSearchParams(location.search);
  for (const [select_, key] of [[flagFilter, "flag"], [statusFilter, "status"]]) {
    const v = initial.get(key);
    if (v && Array.from(select_.options).some((o) => o.value === v)) select_.value = v;
    select_.addEventListener("change", () => { applyFilters(true); select_.blur(); });
  }
  applyFilters(false);

  // ---------------------------------------------------------- actions
  // A textarea just hidden (Esc, save) still holds the focus until the browser's next layout:
  // it does not count, or the pair would not get the focus back and the next key would be lost.
  const editing = () => {
    const el = document.activeElement;
    return Boolean(el && el.tagName === "TEXTAREA" && !el.closest("[hidden]"));
  };

  function setStatus(row, status) {
    // Move on at once, as CAT tools do on "confirm": the save follows in the background and
    // a failure is shown; the next key press does not wait for the server.
    if (status !== "pending" && row === current) nextAfter(row);
    return save(row, { status });
  }

  function openEditor(row) {
    if (row.dataset.editable !== "yes") { toast("This pair cannot be edited here (it spans several units).", "error"); return; }
    closeEditors(row);
    select(row, false);
    const editor = row.querySelector(".editor");
    const box = editor.querySelector("textarea");
    box.value = row.dataset.tgt;
    editor.querySelector(".problems").hidden = true;
    editor.hidden = false;
    row.querySelector(".tgt .text").hidden = true;
    row.classList.add("editing");
    autosize(box);
    box.focus();
  }

  function openNote(row) {
    closeEditors(row);
    select(row, false);
    const editor = row.querySelector(".note-editor");
    const box = editor.querySelector("textarea");
    box.value = row.querySelector(".note-text").textContent;
    editor.hidden = false;
    autosize(box);
    box.focus();
  }

  function closeEditors(except) {
    for (const row of rows) {
      if (row === except) continue;
      closeEditor(row);
    }
  }

  function closeEditor(row) {
    row.querySelector(".editor").hidden = true;
    row.querySelector(".note-editor").hidden = true;
    row.querySelector(".tgt .text").hidden = false;
    row.classList.remove("editing");
  }

  function showProblems(row, data) {
    const list = row.querySelector(".problems");
    list.replaceChildren();
    for (const p of [data.error].concat(data.problems || [])) {
      if (!p) continue;
      const li = document.createElement("li");
      li.textContent = p;
      list.append(li);
    }
    list.hidden = false;
  }

  async function saveEdit(row, approve) {
    const box = row.querySelector(".edit-box");
    const changes = { tgt: box.value };
    if (approve) changes.status = "approved";
    const result = await save(row, changes);
    if (result.ok) {
      closeEditor(row);
      toast(approve ? "Saved and approved." : "Saved.", "ok");
      if (approve) nextAfter(row); else select(row, false);
    } else if (result.status === 422) {
      showProblems(row, result.data);
      box.focus();
    }
  }

  async function saveNote(row) {
    const box = row.querySelector(".note-box");
    const result = await save(row, { note: box.value });
    if (result.ok) { closeEditor(row); toast("Note saved.", "ok"); select(row, false); }
  }

  function autosize(box) {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight + 4, window.innerHeight * 0.6) + "px";
  }

  main.addEventListener("input", (e) => { if (e.target.tagName === "TEXTAREA") autosize(e.target); });

  main.addEventListener("click", (e) => {
    const row = e.target.closest("article.pair");
    if (!row) return;
    const button = e.target.closest("button[data-act]");
    if (!button) {
      if (!row.classList.contains("editing") && !e.target.closest("textarea")) select(row, false);
      return;
    }
    const act = button.dataset.act;
    if (act === "approve") setStatus(row, "approved");
    else if (act === "reject") setStatus(row, "rejected");
    else if (act === "edit") openEditor(row);
    else if (act === "note") openNote(row);
    else if (act === "save") saveEdit(row, false);
    else if (act === "save-approve") saveEdit(row, true);
    else if (act === "save-note") saveNote(row);
    else if (act === "offer") {  // an old edit or a memory suggestion: into the editor, to adapt
      openEditor(row);
      const box = row.querySelector(".edit-box");
      box.value = button.dataset.text;
      autosize(box);
      box.focus();
    } else if (act === "machine") {
      const box = row.querySelector(".edit-box");
      box.value = row.dataset.machine;
      autosize(box);
      box.focus();
    } else if (act === "cancel") { closeEditor(row); select(row, false); }
  });

  main.addEventListener("dblclick", (e) => {
    const row = e.target.closest("article.pair");
    if (row && e.target.closest(".tgt .text")) openEditor(row);
  });

  // ---------------------------------------------------------- keyboard
  document.addEventListener("keydown", (e) => {
    const target = e.target;
    const ctrl = e.ctrlKey || e.metaKey;
    if (target.tagName === "TEXTAREA") {
      const row = target.closest("article.pair");
      if (!row) return;
      const isNote = target.classList.contains("note-box");
      if (e.key === "Escape") { e.preventDefault(); closeEditor(row); select(row, false); }
      else if (!isNote && ctrl && e.key === "Enter") { e.preventDefault(); saveEdit(row, true); }
      else if (!isNote && ctrl && (e.key === "s" || e.key === "S")) { e.preventDefault(); saveEdit(row, false); }
      else if (isNote && e.key === "Enter" && !e.shiftKey) { e.preventDefault(); saveNote(row); }
      return;
    }
    if (target.tagName === "SELECT" || target.tagName === "INPUT") {
      if (e.key === "Escape") target.blur();
      return;
    }
    if (e.altKey) return;
    if ((target.tagName === "BUTTON" || target.tagName === "A") && (e.key === "Enter" || e.key === " ")) return;
    const help = document.getElementById("help");
    if (e.key === "?") { e.preventDefault(); help.hidden = !help.hidden; return; }
    if (e.key === "Escape") { help.hidden = true; return; }
    if (ctrl && e.key === "Enter") { e.preventDefault(); if (current) setStatus(current, "approved"); return; }
    if (ctrl) return;
    switch (e.key) {
      case "j": case "ArrowDown": e.preventDefault(); move(1); break;
      case "k": case "ArrowUp": e.preventDefault(); move(-1); break;
      case "Home": e.preventDefault(); select(visible()[0]); break;
      case "End": e.preventDefault(); select(visible()[visible().length - 1]); break;
      case "a": if (current) { e.preventDefault(); setStatus(current, "approved"); } break;
      case "r": if (current) { e.preventDefault(); setStatus(current, "rejected"); } break;
      case "p": if (current) { e.preventDefault(); save(current, { status: "pending" }); } break;
      case "e": case "Enter": if (current) { e.preventDefault(); openEditor(current); } break;
      case "n": if (current) { e.preventDefault(); openNote(current); } break;
      case "f": e.preventDefault(); flagFilter.focus(); break;
      case "s": e.preventDefault(); statusFilter.focus(); break;
      default: break;
    }
  });

  const fromHash = location.hash && document.getElementById(location.hash.slice(1));
  select(fromHash && !fromHash.hidden ? fromHash : visible()[0], Boolean(fromHash), Boolean(fromHash));
})();
