// Live job status: polls the job's API URL until the job is finished, and keeps the page's
// queue place and its Cancel / Retry buttons in step with the job's status.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var url = section.getAttribute("data-job-url");
  var finished = { succeeded: true, failed: true, cancelled: true };
  var retryable = { failed: true, cancelled: true };

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return "unknown"; }
    if (seconds < 60) { return Math.round(seconds) + " s"; }
    if (seconds < 3600) { return Math.round(seconds / 60) + " min"; }
    return (seconds / 3600).toFixed(1) + " h";
  }

  function setHidden(id, hidden) {
    var element = document.getElementById(id);
    if (element) { element.hidden = hidden; }
  }

  function aheadItem(other) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = "/jobs/" + other.id;
    link.textContent = "job " + other.id;
    item.appendChild(link);
    var text = " " + other.kind + " on " + other.queue + ", " + other.status;
    item.appendChild(document.createTextNode(text + (other.model ? " (" + other.model + ")" : "")));
    return item;
  }

  function showQueue(place) {
    setHidden("job-queue", !place);
    if (!place) { return; }
    document.getElementById("job-position").textContent = place.position;
    document.getElementById("job-wait").textContent = duration(place.wait_seconds);
    document.getElementById("job-typical").textContent = duration(place.typical_seconds);
    var list = document.getElementById("job-ahead");
    list.textContent = "";
    place.running.concat(place.ahead).forEach(function (other) { list.appendChild(aheadItem(other)); });
    if (!list.children.length) {
      var item = document.createElement("li");
      item.textContent = "nothing: it starts when a worker is free";
      list.appendChild(item);
    }
  }

  function show(job) {
    var status = document.getElementById("job-status");
    status.textContent = job.status;
    status.className = "status-" + job.status;
    document.getElementById("job-attempts").textContent = job.attempts ? "(attempt " + job.attempts + ")" : "";
    document.getElementById("job-progress").value = job.progress;
    document.getElementById("job-message").textContent = job.message;
    var error = document.getElementById("job-error");
    error.textContent = job.error || "";
    error.hidden = !job.error;
    document.getElementById("job-log").textContent = job.log_tail;
    setHidden("job-cancel", !!finished[job.status]);
    setHidden("job-retry", !retryable[job.status]);
    showQueue(job.queue_place);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job) { show(job); }
        if (!job || !finished[job.status]) { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
