/* The park page's quick plot edit: choosing a plot fills in its status, price and date, and points the form at
   that plot (POST /parks/<park>/plots/<plot>). Without JavaScript the form posts plot_id to the first plot's URL,
   which the server reads from the path, so the select is kept in step here. */
(function () {
  "use strict";
  var form = document.getElementById("quick-edit-form");
  if (!form) return;
  var sel = document.getElementById("qe-plot");
  function sync() {
    var o = sel.options[sel.selectedIndex];
    form.action = form.getAttribute("data-action").replace("__plot__", encodeURIComponent(o.value));
    document.getElementById("qe-status").value = o.getAttribute("data-status");
    document.getElementById("qe-price").value = o.getAttribute("data-price");
    document.getElementById("qe-date").value = o.getAttribute("data-date");
  }
  sel.addEventListener("change", sync);
  sync();
})();
