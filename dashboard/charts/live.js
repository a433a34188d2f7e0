// One Plotly chart that stays on the page: the first render draws it, every later render with a new figure
// calls Plotly.react on the same <div> (dashboard/charts/live.py says why). Trusted code of this repository.

function loadPlotly(src) {
  // plotly.min.js once per page, shared by every chart (a classic script: it sets window.Plotly).
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__livePlotlyLoading) {
    window.__livePlotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__livePlotlyLoading = null; // the next render tries again
        reject(new Error("plotly.js did not load"));
      };
      document.head.appendChild(script);
    });
  }
  return window.__livePlotlyLoading;
}

function draw(div) {
  // Only the newest figure is drawn: figures that arrive while one is being drawn replace each other.
  if (div.__drawing || !div.__next) return;
  const { spec, config, src } = div.__next;
  div.__next = null;
  // A rerun that left this chart's figure as it was (a control it does not depend on) sends the same text:
  // Plotly.react would still recalculate and redraw all of it (60-70 ms for a small chart), so it is skipped.
  if (div.data && spec === div.__drawnSpec && config === div.__drawnConfig) return;
  div.__drawing = true;
  loadPlotly(src)
    .then((Plotly) => {
      const fig = JSON.parse(spec);
      div.__drawnWidth = div.clientWidth;
      div.__drawnSpec = null; // set again only once this figure is drawn
      return Plotly.react(div, fig.data, fig.layout, JSON.parse(config)).then(() => {
        div.__drawnSpec = spec;
        div.__drawnConfig = config;
      });
    })
    .catch((err) => {
      div.__drawnSpec = null;
      div.textContent = `The chart could not be drawn (${err.message}). Reload the page to try again.`;
    })
    .finally(() => {
      div.__drawing = false;
      draw(div);
    });
}

export default function (component) {
  const { data, parentElement } = component;
  let div = parentElement.querySelector(":scope > .live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "live-chart";
    // The test id of Streamlit's own chart element: the page's CSS and browser tests address charts by it.
    div.setAttribute("data-testid", "stPlotlyChart");
    div.setAttribute("role", "figure");
    div.style.width = "100%";
    parentElement.appendChild(div);
    // A new width (a window or a sidebar change) redraws at that width; the height is the figure's own, so
    // the chart growing from nothing to its height when first drawn is no reason to draw it again.
    let pending = false;
    new ResizeObserver(() => {
      if (pending || !window.Plotly || !div.data || div.clientWidth === div.__drawnWidth) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        div.__drawnWidth = div.clientWidth;
        window.Plotly.Plots.resize(div);
      });
    }).observe(div);
  }
  div.setAttribute("aria-label", data.alt);
  div.__next = data;
  draw(div);
}
