/* The staff console's little JavaScript (served by the app; no CDN, no framework).
   1. The composer's live linter: as the agent types, POST the draft to /console/lint and show the verdict, the
      spans highlighted in the text, each finding's rule and its explanation in Chinese and English. A blocked
      draft disables the Send button (the server refuses it anyway: the gate checks the text again).
   2. Charts: every element with data-chart gets a Plotly chart from the JSON in the <script type="application/json">
      element it names (plotly.min.js ships inside the plotly PyPI package and is served under /static/vendor/). */
(function () {
  "use strict";

  function text(el, value) { el.textContent = value; return el; }

  function liveLint(form) {
    var draft = form.querySelector("#draft");
    var status = form.querySelector("#lint-status");
    var preview = form.querySelector("#lint-preview");
    var list = form.querySelector("#lint-findings");
    var send = form.querySelector("#send");
    var csrf = form.querySelector("input[name=csrf_token]");
    var channel = form.querySelector("#channel");
    var labels = document.querySelector("#lint-labels").content.firstElementChild.dataset;
    var seq = 0, timer = null;

    function render(out) {
      status.className = "lint-status " + out.verdict;
      text(status, labels[out.verdict] || out.verdict);
      send.disabled = !out.can_send;
      send.setAttribute("aria-disabled", String(!out.can_send));
      // the text with each finding's span marked (text nodes only: nothing the agent typed becomes markup)
      var value = draft.value, pos = 0;
      preview.replaceChildren();
      out.findings.filter(function (f) { return f.end > f.start; })
        .sort(function (a, b) { return a.start - b.start; })
        .forEach(function (f) {
          if (f.start < pos) { return; }
          preview.appendChild(document.createTextNode(value.slice(pos, f.start)));
          var mark = text(document.createElement("mark"), value.slice(f.start, f.end));
          mark.className = f.severity;
          mark.title = f.rule;
          preview.appendChild(mark);
          pos = f.end;
        });
      preview.appendChild(document.createTextNode(value.slice(pos)));
      preview.hidden = out.findings.length === 0;
      list.replaceChildren();
      out.findings.forEach(function (f) {
        var li = document.createElement("li");
        li.className = f.severity;
        li.appendChild(text(document.createElement("code"), f.rule));
        if (f.excerpt) { li.appendChild(text(document.createElement("q"), f.excerpt)); }
        var zh = text(document.createElement("span"), f.explanation_zh);
        zh.lang = "zh-CN";
        var en = text(document.createElement("span"), f.explanation_en);
        en.lang = "en";
        li.appendChild(zh);
        li.appendChild(en);
        if (f.citation) {
          var cite = text(document.createElement("small"), (form.dataset.lang === "zh" ? f.title_zh : f.title_en) + " — " + f.citation);
          li.appendChild(cite);
        }
        list.appendChild(li);
      });
    }

    function check() {
      var mine = ++seq;
      fetch(form.dataset.lintUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.value },
        body: JSON.stringify({ text: draft.value, jurisdiction: form.dataset.jurisdiction || "CN", channel: channel.value })
      }).then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      }).then(function (out) {
        if (mine === seq) { render(out); }  // a slower, older answer never overwrites a newer one
      }).catch(function () {
        if (mine === seq) { status.className = "lint-status error"; text(status, labels.error); }
      });
    }

    draft.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 120);
    });
    channel.addEventListener("change", check);
    if (draft.value) { check(); }
  }

  function charts() {
    if (typeof window.Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
      window.Plotly.newPlot(el, spec.data, spec.layout || {}, { displaylogo: false, responsive: true });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("composer");
    if (form) { liveLint(form); }
    charts();
  });
})();
