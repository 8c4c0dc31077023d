// tariffline pages: HTS suggestions for the lookup form from /api/hts/search (no framework).
(function () {
  const input = document.getElementById("hts");
  const list = document.getElementById("hts-suggestions");
  if (!input || !list) return;
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 3) return;
    timer = setTimeout(async function () {
      const date = (document.getElementById("date") || {}).value || "today";
      try {
        const r = await fetch("/api/hts/search?limit=10&q=" + encodeURIComponent(q) + "&date=" + encodeURIComponent(date));
        if (!r.ok) return;
        const data = await r.json();
        list.replaceChildren(...data.results.map(function (x) {
          const o = document.createElement("option");
          o.value = x.hts; o.label = x.hts + " " + x.description; return o;
        }));
      } catch (e) { /* suggestions are optional */ }
    }, 250);
  });
})();
