"use strict";
(function () {
  const CONTEXT = 200;          // characters shown on each side of a citation
  const MAX_SLICE = 20000;      // the API's limit for /documents/{id}/text

  const TYPE_NAMES = {
    year: "연도", date: "날짜", number: "수치", amount: "금액", percent: "비율", count: "개수",
    person: "인물", organization: "기관", place: "장소", entity: "개체", list: "목록",
    definition: "정의", reason: "이유", url: "웹 주소", unknown: "알 수 없음", area: "면적", duration: "기간",
    multiple: "배수", decade: "연대",
  };
  const LABELS = { supports: "뒷받침", related: "관련", contradicts: "반박" };
  const VERDICTS = {
    supports: "뒷받침", related: "관련", contradicts: "반박", "none found": "근거 없음",
  };
  const VERDICT_NOTES = {
    supports: "문서의 문장이 이 주장을 같은 수치로 뒷받침합니다.",
    contradicts: "문서의 문장이 같은 내용을 다른 수치로 말합니다.",
    related: "관련 문장은 있지만 주장을 확인하거나 반박하지는 않습니다.",
    "none found": "이 주장과 관련된 문장을 찾지 못했습니다.",
  };
  const FIELD_NAMES = { question: "질문", claim: "주장", query: "검색어", top_k: "근거 수" };

  // ---------- small DOM helpers (text only, never innerHTML) ----------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role" || key === "id" || key === "title" || key === "type" || key === "hidden")
        node.setAttribute(key, value === true ? "" : String(value));
      else node[key] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const $ = (sel) => document.querySelector(sel);
  const fmtInt = (n) => Number(n).toLocaleString("ko-KR");

  // ---------- API ----------
  class ApiError extends Error {}

  function describeDetail(detail) {
    if (typeof detail === "string") return [detail];
    if (Array.isArray(detail)) {
      return detail.map((item) => {
        if (!item || typeof item !== "object") return String(item);
        const loc = (item.loc || []).filter((p) => p !== "body");
        const field = loc.map((p) => FIELD_NAMES[p] || p).join(".");
        let msg = item.msg || "잘못된 값";
        const ctx = item.ctx || {};
        if (item.type === "string_too_short" || item.type === "missing") msg = "비어 있을 수 없습니다";
        else if (item.type === "string_too_long" && ctx.max_length) msg = `최대 ${fmtInt(ctx.max_length)}자까지 입력할 수 있습니다`;
        else if (item.type === "less_than_equal" && ctx.le !== undefined) msg = `${ctx.le} 이하여야 합니다`;
        else if (item.type === "greater_than_equal" && ctx.ge !== undefined) msg = `${ctx.ge} 이상이어야 합니다`;
        return field ? `${field}: ${msg}` : msg;
      });
    }
    if (detail && typeof detail === "object") return [JSON.stringify(detail)];
    return [];
  }

  async function api(path, body) {
    const init = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
    };
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw new ApiError("서버에 연결할 수 없습니다. 서버가 실행 중인지 확인하세요.");
    }
    let data = null;
    const text = await response.text();
    try { data = text ? JSON.parse(text) : null; } catch (err) { data = null; }
    if (!response.ok) {
      const lines = data && "detail" in data ? describeDetail(data.detail) : [];
      const error = new ApiError(lines.length ? lines.join("\n") : `서버 오류 (HTTP ${response.status})`);
      error.status = response.status;
      error.lines = lines;
      throw error;
    }
    if (data === null) throw new ApiError("서버 응답을 읽을 수 없습니다.");
    return data;
  }

  function showError(target, err) {
    const lines = err && err.lines && err.lines.length ? err.lines : [err && err.message ? err.message : String(err)];
    const box = el("div", { class: "error", role: "alert" }, el("strong", { text: "요청을 처리하지 못했습니다." }));
    if (err && err.status) box.append(` (HTTP ${err.status})`);
    box.append(el("ul", {}, ...lines.map((l) => el("li", { text: l }))));
    target.replaceChildren(box);
  }

  function setBusy(button, busy, idleText, busyText) {
    button.disabled = busy;
    button.setAttribute("aria-busy", busy ? "true" : "false");
    button.querySelector(".btn-text").textContent = busy ? busyText : idleText;
  }

  // ---------- documents (cached; lengths bound the context window) ----------
  const docCache = new Map();
  let docsPromise = null;
  function loadDocuments(force) {
    if (!docsPromise || force) {
      docsPromise = api("/documents").then((docs) => {
        docCache.clear();
        for (const d of docs) docCache.set(d.doc_id, d);
        return docs;
      });
      docsPromise.catch(() => { docsPromise = null; });
    }
    return docsPromise;
  }
  async function docLength(docId) {
    if (!docCache.has(docId)) {
      try { await loadDocuments(); } catch (err) { /* fall through */ }
    }
    if (!docCache.has(docId)) {
      const info = await api(`/documents/${encodeURIComponent(docId)}`);
      docCache.set(docId, info);
    }
    return docCache.get(docId).characters;
  }

  // Offsets from the API count Unicode code points; JS strings count UTF-16 units.
  const cpSlice = (chars, a, b) => chars.slice(a, b).join("");

  function renderContext(target, before, quote, after, atStart, atEnd, hit) {
    const markNode = el("mark");
    appendWithHit(markNode, quote, hit);
    target.replaceChildren(
      atStart ? "" : el("span", { class: "gap", text: "… " }),
      before, markNode, after,
      atEnd ? "" : el("span", { class: "gap", text: " …" }),
    );
    requestAnimationFrame(() => scrollToMark(target));
  }

  // Scroll a context box so that the highlight starts one whole line below its top edge,
  // and offer "전체 보기" only when the box actually overflows.
  function scrollToMark(target) {
    const markNode = target.querySelector("mark");
    const more = target.nextElementSibling;
    if (!markNode || !target.clientHeight) return;
    const overflowing = target.scrollHeight > target.clientHeight + 1;
    if (more && more.classList.contains("link")) more.hidden = !overflowing && !target.classList.contains("open");
    if (!overflowing) return;
    const style = getComputedStyle(target);
    const pad = parseFloat(style.paddingTop) || 0;
    const line = parseFloat(style.lineHeight) || 24;
    const y = markNode.getBoundingClientRect().top - target.getBoundingClientRect().top
      - target.clientTop + target.scrollTop;
    const k = Math.floor((y - pad) / line);
    target.scrollTop = k > 1 ? Math.max(0, pad + (k - 1) * line - 4) : 0;
  }

  function appendWithHit(node, quote, hit) {
    const at = hit ? quote.indexOf(hit) : -1;
    if (at < 0) { node.textContent = quote; return; }
    node.append(quote.slice(0, at), el("strong", { class: "hit", text: hit }), quote.slice(at + hit.length));
  }

  async function fillContext(target, c, hit) {
    // Start with the quote alone (always correct), then widen it with the surrounding text.
    renderContext(target, "", c.quote, "", false, false, hit);
    try {
      const length = await docLength(c.doc_id);
      let ws = Math.max(0, c.start - CONTEXT);
      let we = Math.min(length, c.end + CONTEXT);
      if (we - ws > MAX_SLICE) { ws = c.start; we = Math.min(length, c.start + MAX_SLICE); }
      if (we < c.end) return;
      const slice = await api(`/documents/${encodeURIComponent(c.doc_id)}/text?start=${ws}&end=${we}`);
      const chars = Array.from(slice.text);
      const a = c.start - ws, b = c.end - ws;
      let before, quote, after;
      if (cpSlice(chars, a, b) === c.quote) {
        before = cpSlice(chars, 0, a); quote = c.quote; after = cpSlice(chars, b, chars.length);
      } else {
        const i = slice.text.indexOf(c.quote);
        if (i < 0) return;  // the document changed; keep the quote alone
        before = slice.text.slice(0, i); quote = c.quote; after = slice.text.slice(i + c.quote.length);
      }
      renderContext(target, before, quote, after, ws === 0, we >= length, hit);
    } catch (err) {
      /* keep the quote-only rendering */
    }
  }

  function citationMeta(c, extra) {
    const parts = [];
    if (c.page !== null && c.page !== undefined) parts.push(`${c.page}쪽`);
    if (c.location) parts.push(c.location);
    if (c.ocr) {
      const conf = typeof c.ocr_confidence === "number" ? ` 신뢰도 ${Math.round(c.ocr_confidence)}` : "";
      parts.push(`OCR 인식${conf} — 원본 쪽과 대조하세요`);
    }
    parts.push(`문자 ${fmtInt(c.start)}–${fmtInt(c.end)}`);
    if (typeof c.score === "number") parts.push(`점수 ${c.score.toFixed(2)}`);
    if (extra) parts.push(extra);
    return parts.join(" · ");
  }

  function expandButton(box) {
    const btn = el("button", { type: "button", class: "link", text: "전체 보기" });
    btn.addEventListener("click", () => {
      const open = box.classList.toggle("open");
      btn.textContent = open ? "접기" : "전체 보기";
    });
    return btn;
  }

  function citationItem(c, index, hit, note) {
    const box = el("p", { class: "context" });
    const item = el("li", {
      class: "citation card", "data-doc-id": c.doc_id, "data-start": c.start, "data-end": c.end,
    },
      el("div", { class: "cite-head" },
        el("span", { class: "cite-num", text: `[${index + 1}]` }),
        el("span", { class: "cite-title", text: c.title || c.doc_id })),
      el("div", { class: "cite-meta", text: citationMeta(c, note) }),
      box,
      expandButton(box),
    );
    fillContext(box, c, hit);
    return item;
  }

  // ---------- 질문하기 ----------
  function formatValue(answer) {
    const v = answer.value;
    let text;
    if (v === null || v === undefined || v === "") text = "—";
    else if (typeof v === "number") text = v.toLocaleString("ko-KR", { maximumFractionDigits: 6 });
    else text = String(v);
    return answer.unit ? `${text} ${answer.unit}` : text;
  }

  // The API's abstention reasons are English sentences of a few known shapes.
  function reasonText(reason) {
    let m;
    if ((m = /^the indexed documents never mention (.+)$/.exec(reason)))
      return `색인된 문서에 ‘${m[1]}’에 대한 언급이 없습니다.`;
    if (/^no passage in the indexed documents matches the question$/.test(reason))
      return "질문과 맞는 구절이 문서에 없습니다.";
    if ((m = /^no (\w+) answer is supported well enough by the documents$/.exec(reason)))
      return `문서가 ${TYPE_NAMES[m[1]] || m[1]} 유형의 답을 충분히 뒷받침하지 않습니다.`;
    return reason;
  }

  function renderAnswer(data) {
    const out = [];
    if (data.abstained || !data.answer) {
      out.push(el("div", { id: "abstained", class: "card", role: "status" },
        el("div", { class: "label", text: "답 없음" }),
        el("h2", { text: "이 문서들에서는 답을 찾지 못했습니다" }),
        data.reason ? el("p", { class: "reason" }, "사유: ",
          el("span", { id: "abstain-reason", "data-reason": data.reason, title: data.reason, text: reasonText(data.reason) })) : null,
      ));
      if (data.citations && data.citations.length) {
        out.push(el("h2", { class: "section-title", text: "가장 가까운 구절" }));
        out.push(el("ol", { id: "citations", class: "citations" },
          ...data.citations.map((c, i) => citationItem(c, i, null, null))));
      }
      return out;
    }
    const a = data.answer;
    const pct = Math.round(Math.max(0, Math.min(1, a.confidence)) * 100);
    out.push(el("div", { id: "answer", class: "card" },
      el("div", { class: "label", text: "답" }),
      el("div", { id: "answer-text", text: a.text }),
      el("dl", { class: "facts" },
        el("dt", { text: "유형" }),
        el("dd", {}, el("span", { id: "answer-type", class: "tag", "data-type": a.type, text: TYPE_NAMES[a.type] || a.type })),
        el("dt", { text: "정규화 값" }),
        el("dd", { id: "answer-value", text: formatValue(a) }),
        el("dt", { text: "근삿값" }),
        el("dd", { id: "answer-approximate", text: a.approximate ? "예 (약·내외 등)" : "아니요" }),
        el("dt", { text: "신뢰도" }),
        el("dd", { class: "conf" },
          el("span", { class: "meter", "aria-hidden": "true" }, el("span", { style: `width:${pct}%` })),
          el("span", { id: "answer-confidence", text: `${pct}% (${a.confidence.toFixed(3)})` })),
      ),
    ));
    const others = data.disagreements || [];
    if (others.length) {
      out.push(el("div", { id: "disagreements", class: "card conflict", role: "note" },
        el("div", { class: "label", text: "출처 간 불일치" }),
        el("p", { text: `다른 구절 ${others.length}곳이 같은 질문에 다른 값을 제시합니다. 신뢰도를 그만큼 낮췄습니다. 원문을 확인하세요.` }),
        el("ol", { class: "citations" },
          ...others.map((d, i) => citationItem(d.citation, i, d.text, `다른 값: ${d.text}`)))));
    }
    out.push(el("h2", { class: "section-title", text: "근거" }));
    out.push(el("ol", { id: "citations", class: "citations" },
      ...data.citations.map((c, i) => citationItem(c, i, i === 0 ? a.text : null, i === 0 ? "답이 나온 문장" : "검색된 구절"))));
    return out;
  }

  const askForm = $("#ask-form"), askButton = $("#ask-button"), question = $("#question");
  const askStatus = $("#ask-status"), askResult = $("#ask-result");
  let askSeq = 0;

  askForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = question.value.trim();
    if (!q) { showError(askStatus, new ApiError("질문을 입력하세요.")); question.focus(); return; }
    const seq = ++askSeq;
    setBusy(askButton, true, "질문하기", "찾는 중…");
    askResult.replaceChildren();
    askResult.setAttribute("aria-busy", "true");
    askStatus.replaceChildren(el("div", { id: "ask-busy", class: "busy-msg", text: "문서에서 답을 찾는 중입니다…" }));
    try {
      const data = await api("/ask", { question: q, top_k: Number($("#ask-top-k").value) });
      if (seq !== askSeq) return;
      askStatus.replaceChildren();
      askResult.replaceChildren(...renderAnswer(data));
    } catch (err) {
      if (seq !== askSeq) return;
      showError(askStatus, err);
    } finally {
      if (seq === askSeq) {
        setBusy(askButton, false, "질문하기", "찾는 중…");
        askResult.setAttribute("aria-busy", "false");
      }
    }
  });

  function submitOnEnter(textarea, form) {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  submitOnEnter(question, askForm);
  for (const btn of document.querySelectorAll("[data-example]")) {
    btn.addEventListener("click", () => { question.value = btn.dataset.example; askForm.requestSubmit(); });
  }

  // ---------- 주장 확인 ----------
  function sourceItem(s, index) {
    const c = s.citation, p = s.passage;
    const label = LABELS[s.label] || s.label;
    const context = el("p", { class: "context" });
    const pa = Array.from(p.quote || "");
    const a = c.start - p.start, b = c.end - p.start;
    if (a >= 0 && b <= pa.length && cpSlice(pa, a, b) === c.quote) {
      renderContext(context, cpSlice(pa, 0, a), c.quote, cpSlice(pa, b, pa.length), true, true, null);
    } else {
      renderContext(context, "", c.quote, "", true, true, null);
    }
    const details = el("details", {}, el("summary", { text: "주변 문맥 보기" }), context);
    details.addEventListener("toggle", () => { if (details.open) scrollToMark(context); });
    return el("li", { class: `source card ${s.label}`, "data-label": s.label, "data-doc-id": c.doc_id },
      el("div", { class: "cite-head" },
        el("span", { class: `source-label ${s.label}`, "data-label": s.label, text: label }),
        el("span", { class: "cite-title", text: c.title || c.doc_id })),
      el("div", { class: "cite-meta", text: citationMeta({ ...c, score: undefined }, `단어 일치 ${Math.round(s.overlap * 100)}%`) }),
      el("blockquote", { class: "sentence", text: c.quote }),
      details,
    );
  }

  function renderCite(data) {
    const verdict = data.verdict;
    const cls = verdict === "none found" ? "none" : verdict;
    const out = [el("div", { id: "verdict-card", class: "card" },
      el("div", { class: "verdict-line" },
        el("span", { class: "section-title", style: "margin:0", text: "판정" }),
        el("span", { id: "verdict", class: `badge ${cls}`, "data-verdict": verdict, text: VERDICTS[verdict] || verdict })),
      el("p", { class: "hint", style: "margin:6px 0 0", text: VERDICT_NOTES[verdict] || "" }),
    )];
    if (data.sources && data.sources.length) {
      out.push(el("h2", { class: "section-title", text: `출처 ${data.sources.length}건` }));
      out.push(el("ol", { id: "sources", class: "sources" }, ...data.sources.map(sourceItem)));
    }
    return out;
  }

  const citeForm = $("#cite-form"), citeButton = $("#cite-button"), claim = $("#claim");
  const citeStatus = $("#cite-status"), citeResult = $("#cite-result");
  let citeSeq = 0;
  citeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = claim.value.trim();
    if (!text) { showError(citeStatus, new ApiError("확인할 주장을 입력하세요.")); claim.focus(); return; }
    const seq = ++citeSeq;
    setBusy(citeButton, true, "확인하기", "확인 중…");
    citeResult.replaceChildren();
    citeResult.setAttribute("aria-busy", "true");
    citeStatus.replaceChildren(el("div", { id: "cite-busy", class: "busy-msg", text: "문서에서 관련 문장을 찾는 중입니다…" }));
    try {
      const data = await api("/cite", { claim: text, top_k: 5 });
      if (seq !== citeSeq) return;
      citeStatus.replaceChildren();
      citeResult.replaceChildren(...renderCite(data));
    } catch (err) {
      if (seq !== citeSeq) return;
      showError(citeStatus, err);
    } finally {
      if (seq === citeSeq) {
        setBusy(citeButton, false, "확인하기", "확인 중…");
        citeResult.setAttribute("aria-busy", "false");
      }
    }
  });
  submitOnEnter(claim, citeForm);

  // ---------- 문서 목록 ----------
  function pagesText(pages) {
    const numbers = (pages || []).filter((p) => p !== null && p !== undefined);
    return numbers.length ? `${fmtInt(numbers.length)}쪽` : "쪽 번호 없음";
  }
  function renderDocs(docs) {
    $("#docs-count").textContent = `문서 ${docs.length}개`;
    $("#docs").replaceChildren(...docs.map((d) => {
      const meta = d.meta || {};
      const stats = el("div", { class: "stats" },
        el("span", { class: "doc-chunks", text: `청크 ${fmtInt(d.chunks)}개` }),
        el("span", { class: "doc-chars", text: `${fmtInt(d.characters)}자` }),
        el("span", { class: "doc-pages", text: pagesText(d.pages) }),
        meta.year ? el("span", { text: `${meta.year}년` }) : null,
        meta.authors ? el("span", { text: String(meta.authors) }) : null,
      );
      return el("li", { class: "doc card", "data-doc-id": d.doc_id },
        el("h3", { class: "doc-title", text: d.title || d.doc_id }),
        el("code", { class: "doc-id", text: d.doc_id }),
        stats,
        meta.description ? el("p", { class: "desc", text: String(meta.description) }) : null,
        d.warnings && d.warnings.length ? el("p", { class: "hint", text: `경고: ${d.warnings.join(" / ")}` }) : null,
      );
    }));
  }
  async function showDocs() {
    const status = $("#docs-status");
    status.replaceChildren(el("div", { class: "busy-msg", text: "문서 목록을 불러오는 중…" }));
    try {
      renderDocs(await loadDocuments(true));
      status.replaceChildren();
    } catch (err) {
      showError(status, err);
    }
  }

  // ---------- tabs ----------
  const TABS = { ask: "ask", cite: "cite", docs: "docs" };
  function selectTab(name, focus) {
    for (const key of Object.keys(TABS)) {
      const on = key === name;
      const tab = $(`#${key}-tab`);
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      $(`#${key}-panel`).hidden = !on;
      if (on && focus) tab.focus();
    }
    if (name === "docs") showDocs();
    if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
  }
  for (const key of Object.keys(TABS)) {
    $(`#${key}-tab`).addEventListener("click", () => selectTab(key, false));
  }
  $("nav.tabs").addEventListener("keydown", (event) => {
    const keys = Object.keys(TABS);
    const current = keys.findIndex((k) => $(`#${k}-tab`).getAttribute("aria-selected") === "true");
    if (event.key === "ArrowRight") selectTab(keys[(current + 1) % keys.length], true);
    else if (event.key === "ArrowLeft") selectTab(keys[(current + keys.length - 1) % keys.length], true);
  });
  const initial = location.hash.slice(1);
  if (TABS[initial] && initial !== "ask") selectTab(initial, false);

  // ---------- health ----------
  api("/health").then((h) => {
    $("#health").textContent = `문서 ${h.documents}개 · 청크 ${fmtInt(h.chunks)}개 · 모델 ${h.model}`;
  }).catch((err) => {
    const box = $("#health");
    box.classList.add("bad");
    box.textContent = `서버 상태를 확인하지 못했습니다: ${err.message}`;
  });
  loadDocuments().catch(() => {});
})();
