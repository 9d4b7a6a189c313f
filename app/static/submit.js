// The upload form: sends the file with XMLHttpRequest to show upload progress, then opens the
// validation job's live page.
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  if (!form) { return; }
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var error = document.getElementById("upload-error");

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    status.textContent = "";
    document.getElementById("submit-button").disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    document.getElementById("submit-button").disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("action"));
    request.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf"));
    request.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        bar.value = progress.loaded / progress.total;
        status.textContent = "uploading: " + Math.round(100 * bar.value) + "%";
      }
    });
    request.upload.addEventListener("load", function () {
      bar.value = 1;
      status.textContent = "uploaded; checking the file…";
    });
    request.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(request.responseText); } catch (ignored) { body = {}; }
      if (request.status === 202) {
        status.textContent = "accepted; validation job " + body.job_id;
        window.location.assign(body.status_url);
      } else {
        fail(body.detail || ("upload failed (HTTP " + request.status + ")"));
      }
    });
    request.addEventListener("error", function () { fail("the upload was interrupted"); });
    request.send(new FormData(form));
  });
})();
