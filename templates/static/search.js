// Search: a box in the header over the static index that `clawdemy build` writes into search/
// (`--no-search` writes an index of no pages). index.json lists the term shards;
// t/<shard>.json maps each term to its postings [page id, weight, ...]; p/<id>.json is one
// lesson's title, track, URL and sections. Only the shards a query needs are fetched, and
// only the pages it shows.
// Without scripts, or without the index, the box stays hidden and every page reads as before
// (as it does in a browser too old to parse the Unicode classes of the regular expressions).
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof window.fetch !== "function" || typeof TextEncoder !== "function") return;
  var WORD = /[\p{L}\p{N}]+/gu, MARKS = /\p{M}+/gu;
  var WORDISH = /[\p{L}\p{M}\p{N}]+/gu; // a word of the text as written, marks and all
  var rootText = box.getAttribute("data-root") || "./";
  var folder = new URL("search/", new URL(rootText, window.location.href));
  var PAGE = 10, AROUND = 28; // results shown at a time; words in an excerpt
  var index, shards = {}, pages = {}, hits = [], query = [], shown = 0, generation = 0, timer;
  var input, panel, status, list, more;

  function load(path) {
    return window.fetch(new URL(path, folder).href).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + path);
      return response.json();
    });
  }
  // Each file is fetched once; a failed fetch is forgotten, so that a later query tries again.
  function cached(cache, key, path) {
    return cache[key] || (cache[key] = load(path).catch(function (error) {
      delete cache[key];
      throw error;
    }));
  }

  // The words of `text` as the index holds them (the build normalises them the same way).
  function words(text) {
    var folded = text.normalize("NFKD").replace(MARKS, "").toLowerCase().replace(/ς/g, "σ");
    var found = folded.match(WORD) || [];
    return found.filter(function (word) { return Array.from(word).length >= 2; });
  }
  // A word's shard: the hex of the UTF-8 bytes of its first two characters.
  function shardOf(word) {
    var bytes = new TextEncoder().encode(Array.from(word).slice(0, 2).join(""));
    return Array.from(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function begins(word, start) { return word.lastIndexOf(start, 0) === 0; }
  function matches(piece) {
    return words(piece).some(function (word) { return query.some(begins.bind(null, word)); });
  }

  // One token's score by page id: its best term among those it begins (the whole word counts
  // fully, a longer word three quarters), weighted by how rare that term is.
  function scores(token, terms) {
    var found = {};
    Object.keys(terms).forEach(function (term) {
      if (!begins(term, token)) return;
      var postings = terms[term], df = postings.length / 2;
      var idf = Math.log(1 + (index.pages - df + 0.5) / (df + 0.5));
      var factor = (idf * (term === token ? 1 : 0.75)) / 1000;
      for (var i = 0; i < postings.length; i += 2) {
        var score = postings[i + 1] * factor;
        if (!(found[postings[i]] >= score)) found[postings[i]] = score;
      }
    });
    return found;
  }

  // The ids of the pages that match every token, best first (on a tie, by id).
  function rank(tokens) {
    var names = tokens.map(shardOf);
    var absent = names.some(function (name) { return index.shards.indexOf(name) < 0; });
    if (absent) return Promise.resolve([]); // a token no word of any lesson begins
    var loads = names.map(function (name) { return cached(shards, name, "t/" + name + ".json"); });
    return Promise.all(loads).then(function (loaded) {
      var total = null;
      tokens.forEach(function (token, i) {
        var mine = scores(token, loaded[i]), next = {};
        Object.keys(total || mine).forEach(function (id) {
          if (id in mine) next[id] = (total ? total[id] : 0) + mine[id];
        });
        total = next;
      });
      return Object.keys(total).map(Number).sort(function (a, b) {
        return total[b] - total[a] || a - b;
      });
    });
  }

  // A new element with these properties (role and aria-* set as attributes). Text always goes
  // in as text: the lessons' words never become HTML.
  function element(tag, props) {
    var node = document.createElement(tag);
    Object.keys(props).forEach(function (key) {
      if (/^(role|aria-)/.test(key)) node.setAttribute(key, props[key]);
      else node[key] = props[key];
    });
    return node;
  }

  // About AROUND words of `text` from a little before its first match, into `parent`, each
  // word that the query matches in a <mark>.
  function excerpt(parent, text) {
    var starts = [], first = -1, found;
    WORDISH.lastIndex = 0;
    while ((found = WORDISH.exec(text))) {
      if (first < 0 && matches(found[0])) first = starts.length;
      starts.push(found.index);
    }
    var from = Math.max(0, Math.min(first - 6, starts.length - AROUND));
    var end = from + AROUND < starts.length ? starts[from + AROUND] : text.length;
    var cut = text.slice(from ? starts[from] : 0, end).trim(), last = 0;
    text = (from ? "… " : "") + cut + (end < text.length ? "\u00a0…" : ""); // … stays on the line
    text.replace(WORDISH, function (piece, at) {
      if (!matches(piece)) return piece;
      parent.appendChild(document.createTextNode(text.slice(last, at)));
      parent.appendChild(element("mark", { textContent: piece }));
      last = at + piece.length;
      return piece;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function result(page) {
    // The best section: the one where the query's words occur most (the first, on a tie).
    var best = page.sections[0] || ["", "", ""], most = -1;
    page.sections.forEach(function (section) {
      var count = ((section[1] + " " + section[2]).match(WORDISH) || []).filter(matches).length;
      if (count > most) { best = section; most = count; }
    });
    var item = element("li", { className: "search-result" });
    item.appendChild(element("a", {
      className: "search-result-title", textContent: page.title,
      href: rootText + page.url + (best[0] ? "#" + best[0] : "") // the intro has no id
    }));
    var where = page.track + (best[1] ? " › " + best[1] : "");
    item.appendChild(element("p", { className: "search-result-where", textContent: where }));
    var text = element("p", { className: "search-result-excerpt" });
    item.appendChild(excerpt(text, best[2] || best[1]));
    return item;
  }

  // Shows the next PAGE results, once their pages have loaded, unless a newer query came.
  function showMore(mine, focus) {
    var ids = hits.slice(shown, shown + PAGE);
    var loads = ids.map(function (id) { return cached(pages, id, "p/" + id + ".json"); });
    return Promise.all(loads).then(function (loaded) {
      if (mine !== generation) return;
      var items = loaded.map(result);
      items.forEach(function (item) { list.appendChild(item); });
      shown += ids.length;
      more.hidden = shown >= hits.length;
      if (focus && items.length) items[0].firstChild.focus(); // the first of the new ones
    });
  }

  function search() {
    var mine = ++generation, text = input.value.trim(), tokens = words(text);
    query = tokens.filter(function (token, i) { return tokens.indexOf(token) === i; });
    if (!query.length) { // only one-letter words: say why nothing is searched
      generation++;
      list.textContent = "";
      more.hidden = true;
      status.textContent = "Type a word of two letters or more.";
      panel.hidden = false;
      return;
    }
    rank(query).then(function (found) {
      if (mine !== generation) return; // a newer query took over
      hits = found;
      shown = 0;
      list.textContent = "";
      more.hidden = true;
      var quoted = "“" + text + "”", n = found.length;
      status.textContent = n ? n + (n === 1 ? " lesson matches " : " lessons match ") + quoted
        : "No lesson matches " + quoted;
      panel.hidden = false;
      return showMore(mine, false);
    }).catch(function () {
      if (mine !== generation) return;
      status.textContent = "The search could not load. Try again in a moment.";
      panel.hidden = false;
    });
  }

  function close() {
    generation++; // drops any answer still on its way
    window.clearTimeout(timer);
    panel.hidden = true;
  }

  function build() {
    var form = element("form", { role: "search" });
    form.appendChild(element("label", {
      className: "visually-hidden", htmlFor: "search-input", textContent: "Search the lessons"
    }));
    input = form.appendChild(element("input", {
      type: "search", id: "search-input", placeholder: "Search the lessons", autocomplete: "off",
      spellcheck: false, "aria-controls": "search-panel"
    }));
    panel = element("div", { className: "search-panel", id: "search-panel", hidden: true });
    status = element("p", { className: "search-status", role: "status", "aria-live": "polite" });
    list = element("ol", { className: "search-results" });
    more = element("button", { className: "search-more", type: "button" });
    more.textContent = "More results";
    [status, list, more].forEach(function (node) { panel.appendChild(node); });
    box.appendChild(form);
    box.appendChild(panel);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      search();
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      if (!input.value.trim()) return close();
      timer = window.setTimeout(search, 120);
    });
    input.addEventListener("focus", function () {
      if (panel.hidden && input.value.trim()) search();
    });
    var loading = null, done = function () { loading = null; };
    more.addEventListener("click", function () { // clicks while the next ones load add nothing
      if (!loading) loading = showMore(generation, true).then(done, done);
    });
    input.addEventListener("keydown", function (event) { // down from the box: the first result
      var first = list.querySelector("a");
      if (event.key === "ArrowDown" && first && !panel.hidden) {
        event.preventDefault();
        first.focus();
      }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      input.value = "";
      close();
      input.focus();
    });
    // A click or focus anywhere else closes the panel (the query stays, for coming back).
    function outside(event) {
      if (!panel.hidden && !box.contains(event.target)) close();
    }
    document.addEventListener("pointerdown", outside);
    document.addEventListener("focusin", outside);
    box.hidden = false;
  }

  // An index of no pages (what `--no-search` writes) leaves the box hidden too.
  load("index.json").then(function (loaded) {
    if (loaded && loaded.version === 1 && Array.isArray(loaded.shards) && loaded.pages > 0) {
      index = loaded;
      build();
    }
  }).catch(function () {}); // no index, or not JSON of this version: the box stays hidden
})();
