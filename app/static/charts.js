// Draws every <div data-spec="id"> with vega-embed (PNG/SVG download from its actions menu).
// Under the Content-Security-Policy (no eval): vega parses expressions to an AST and runs them
// with vega-interpreter instead of compiling them to functions.
(function () {
  "use strict";
  document.querySelectorAll("[data-spec]").forEach(function (element) {
    const holder = document.getElementById(element.dataset.spec);
    if (!holder) { return; }
    const spec = JSON.parse(holder.textContent);
    const options = { actions: { export: true, source: false, compiled: false, editor: false },
                      renderer: "svg", downloadFileName: element.dataset.name || "chart",
                      ast: true, expr: window.vegaInterpreter };
    window.vegaEmbed(element, spec, options).then(function () {
      element.dataset.rendered = "true";
    }).catch(function (error) {
      element.textContent = "Could not draw this chart: " + error;
    });
  });
})();
