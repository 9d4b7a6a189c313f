// Live job status: polls the job's API URL until the job is finished.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var url = section.getAttribute("data-job-url");
  var finished = { succeeded: true, failed: true, cancelled: true };

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
