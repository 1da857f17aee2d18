/* The workspace's own script: no inline script anywhere (the pages' Content-Security-Policy).
   - a <select data-autosubmit> submits its form when changed;
   - a <form data-filter-table="id"> hides the rows of table #id whose data-* differ from its selects;
   - a [data-dropzone] takes files dropped on it into its form's file input and submits the form. */
(function () {
  "use strict";

  function autosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  function filters(root) {
    root.querySelectorAll("form[data-filter-table]").forEach(function (form) {
      var table = document.getElementById(form.dataset.filterTable);
      if (!table) { return; }
      function apply() {
        var wanted = {};
        form.querySelectorAll("select, input[type=search]").forEach(function (field) {
          if (field.value) { wanted[field.name] = field.value.toLowerCase(); }
        });
        table.querySelectorAll("tbody tr").forEach(function (row) {
          var shown = Object.keys(wanted).every(function (name) {
            if (name === "q") { return row.textContent.toLowerCase().indexOf(wanted.q) !== -1; }
            return (row.dataset[name] || "").toLowerCase() === wanted[name];
          });
          row.hidden = !shown;
        });
      }
      form.addEventListener("input", apply);
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    });
  }

  function dropzones(root) {
    root.querySelectorAll("[data-dropzone]").forEach(function (zone) {
      var form = zone.closest("form");
      var input = form && form.querySelector("input[type=file]");
      if (!input) { return; }
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
        input.files = event.dataTransfer.files;
        form.requestSubmit();
      });
      input.addEventListener("change", function () { if (input.files.length) { form.requestSubmit(); } });
    });
  }

  function start(root) { autosubmit(root); filters(root); dropzones(root); }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
})();
