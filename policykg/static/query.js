// The SPARQL editor: runs the query against /sparql and shows the answer as a table. No network beyond this server.
(function () {
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const output = document.getElementById("results");
  const examples = document.getElementById("examples");
  examples.addEventListener("change", function () {
    if (examples.value) { editor.value = window.POLICYKG_EXAMPLES[examples.value]; }
  });
  function cell(term) {
    const td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri" && term.value.indexOf(window.POLICYKG_ID_BASE) === 0) {
      const link = document.createElement("a");
      link.href = "/id/" + term.value.slice(window.POLICYKG_ID_BASE.length);
      link.textContent = term.value;
      td.appendChild(link);
    } else {
      td.textContent = term.value;  // document text is shown as text, never as markup
    }
    return td;
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    output.textContent = "running…";
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: editor.value,
    });
    const text = await response.text();
    output.textContent = "";
    if (!response.ok) {
      const error = document.createElement("p");
      error.className = "error";
      error.textContent = response.status + " " + text;
      output.appendChild(error);
      return;
    }
    if ((response.headers.get("Content-Type") || "").indexOf("json") < 0) {
      const pre = document.createElement("pre");
      pre.textContent = text;
      output.appendChild(pre);
      return;
    }
    const data = JSON.parse(text);
    if ("boolean" in data) { output.textContent = String(data.boolean); return; }
    const table = document.createElement("table");
    const head = table.insertRow();
    data.head.vars.forEach(function (name) { const th = document.createElement("th"); th.textContent = name; head.appendChild(th); });
    data.results.bindings.forEach(function (row) {
      const tr = table.insertRow();
      data.head.vars.forEach(function (name) { tr.appendChild(cell(row[name])); });
    });
    const count = document.createElement("p");
    count.className = "muted";
    count.id = "row-count";
    count.textContent = data.results.bindings.length + " rows";
    output.appendChild(count);
    output.appendChild(table);
  });
})();
