// The problem page, made for teachers: topics of the chosen grade only, and only the answer
// fields that belong to the chosen answer type. No framework; runs under the site's CSP.
(function () {
  "use strict";
  function rowOf(name) {
    var field = document.querySelector('[name="' + name + '"]');
    return field ? field.closest(".form-row") || field.closest(".fieldBox") : null;
  }
  function show(element, visible) {
    if (element) { element.hidden = !visible; }
  }
  function answerType() {
    var checked = document.querySelector('input[name="answer_type"]:checked');
    return checked ? checked.value : "";
  }
  function syncAnswerType() {
    var type = answerType();
    var options = document.querySelector("fieldset.dars-options");
    show(options, type === "multiple_choice");
    show(rowOf("tolerance"), type === "numeric");
    show(rowOf("simplest_form"), type === "fraction");
    show(rowOf("accepted_answers"), type === "text");
    var answerBn = document.querySelector('[name="answer_bn"]');
    if (answerBn) { show(answerBn.closest(".fieldBox") || rowOf("answer_bn"), type === "text"); }
  }
  function syncTopics() {
    var grade = document.querySelector('[name="grade"]');
    var topic = document.querySelector('select[name="topic"]');
    if (!grade || !topic) { return; }
    Array.prototype.forEach.call(topic.options, function (option) {
      var own = !option.dataset.grade || option.dataset.grade === grade.value;
      option.hidden = !own;
      option.disabled = !own;
      if (!own && option.selected) { topic.value = ""; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[name="answer_type"]').forEach(function (input) {
      input.addEventListener("change", syncAnswerType);
    });
    var grade = document.querySelector('[name="grade"]');
    if (grade) { grade.addEventListener("change", syncTopics); }
    syncAnswerType();
    syncTopics();
  });
})();
