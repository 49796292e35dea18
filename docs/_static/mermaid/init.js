// Draws every ```mermaid diagram of the page (sphinxcontrib-mermaid writes them as <pre class="mermaid">)
// with the vendored mermaid.min.js, loaded before this file as a classic script.
mermaid.initialize({ startOnLoad: true });
