// The window's entry point: mounts the Svelte app. Styles come from style.css and the
// components' compiled CSS, both files served from the app itself (CSP: style-src 'self').
import { showFatal } from "./fatal";
import "./locale";
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { mount } from "svelte";
import App from "./App.svelte";

const target = document.getElementById("app");
try {
  if (target) mount(App, { target });
} catch (e) {
  showFatal(e);
}
