/* Interactive figures of the HTML book, without a kernel and without the widget manager.
 *
 * Each explorer arrives in the page as a figure that works with no script at all: its
 * default picture(s) as plain <img> elements with their text alternative (one per overlay
 * and panel: a phone shows the panels one under another), and its controls
 * as native, labelled form controls, disabled until this script enables them (and hidden
 * when scripts are off). A JSON manifest beside them lists, for every overlay, the picture
 * of every setting of the controls it depends on. This script, loaded with `defer`, reads
 * the manifest and enables the controls; moving one swaps the pictures whose controls
 * moved and updates the text alternative. Native controls bring keyboard, touch and screen
 * reader support; each slider announces the value shown beside it (aria-valuetext).
 *
 * Manifest (JSON in <script type="application/json" class="nnx-manifest">, written by
 * nncore/widgets/static_html.py; this file is _ext/explorer_static/explorer.js):
 *   {"controls": [{"name": "w1", "labels": ["-2", ..., "2"]}, ...],
 *    "overlays": [{"controls": ["w1", "b"], "pictures": ["url", ...],
 *                  "shown": {"3,4": 0, ...}, "alts": ["text", ...]}, ...]}
 * A key of "shown" lists the grid indices of the overlay's controls, in its order, joined
 * by commas; its value is the number of the picture (and of its text alternative).
 */
(function () {
  "use strict";

  function readManifest(figure) {
    var node = figure.querySelector("script.nnx-manifest");
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch (error) {
      return null;
    }
  }

  function Explorer(figure, manifest) {
    this.figure = figure;
    this.manifest = manifest;
    this.images = Array.prototype.slice.call(figure.querySelectorAll("img.nnx-overlay"));
    this.index = {};
    this.inputs = {};
    var self = this;
    manifest.controls.forEach(function (control) {
      var slider = figure.querySelector('input[type="range"][data-control="' + control.name + '"]');
      var radios = figure.querySelectorAll('input[type="radio"][data-control="' + control.name + '"]');
      if (slider) {
        self.index[control.name] = Number(slider.value);
        self.inputs[control.name] = [slider];
        slider.addEventListener("input", function () {
          self.move(control.name, Number(slider.value));
        });
      } else {
        self.inputs[control.name] = Array.prototype.slice.call(radios);
        self.inputs[control.name].forEach(function (radio) {
          if (radio.checked) self.index[control.name] = Number(radio.value);
          radio.addEventListener("change", function () {
            if (radio.checked) self.move(control.name, Number(radio.value));
          });
        });
      }
    });
  }

  Explorer.prototype.key = function (overlay) {
    var self = this;
    return overlay.controls.map(function (name) { return self.index[name]; }).join(",");
  };

  Explorer.prototype.move = function (name, position) {
    var control = this.manifest.controls.filter(function (c) { return c.name === name; })[0];
    this.index[name] = position;
    var shown = control.labels[position];
    this.inputs[name].forEach(function (input) {
      if (input.type === "range") input.setAttribute("aria-valuetext", shown);
    });
    var output = this.figure.querySelector('output[data-control="' + name + '"]');
    if (output) output.textContent = shown;
    var self = this;
    this.manifest.overlays.forEach(function (overlay, k) {
      if (overlay.controls.indexOf(name) < 0) return;
      var shown = overlay.shown[self.key(overlay)];
      if (shown === undefined) return;
      // The overlay's picture in every panel (a phone shows the panels one under another).
      self.images.forEach(function (image) {
        if (image.getAttribute("data-overlay") !== String(k)) return;
        image.src = overlay.pictures[shown];
        if (overlay.alts && image.hasAttribute("data-described")) image.alt = overlay.alts[shown];
      });
      if (overlay.alts) {
        var description = self.figure.querySelector(".nnx-description");
        if (description) description.textContent = overlay.alts[shown];
      }
    });
  };

  Explorer.prototype.preload = function () {
    // Fetch every picture once the page is idle, so that later moves show at once.
    this.manifest.overlays.forEach(function (overlay) {
      overlay.pictures.forEach(function (url) {
        var image = new Image();
        image.decoding = "async";
        image.src = url;
      });
    });
  };

  Explorer.prototype.enable = function () {
    var self = this;
    Object.keys(this.inputs).forEach(function (name) {
      self.inputs[name].forEach(function (input) { input.disabled = false; });
    });
    this.figure.classList.add("nnx-ready");
    var preloaded = false;
    function preloadOnce() {
      if (!preloaded) { preloaded = true; self.preload(); }
    }
    this.figure.addEventListener("focusin", preloadOnce);
    this.figure.addEventListener("pointerenter", preloadOnce);
  };

  function start() {
    var figures = document.querySelectorAll("figure.nnx-explorer");
    Array.prototype.forEach.call(figures, function (figure) {
      var manifest = readManifest(figure);
      if (!manifest) return;
      new Explorer(figure, manifest).enable();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
