// Sealpost: names the reader's language on the page's html element
// (data-lang and lang) before the body is drawn, so that the static form,
// which carries its words in every language, shows them in the reader's
// (see widget.StaticForm). The languages are the widget's, filled in by
// widget.LangJS.
(function () {
  "use strict";
  var spoken = /*LANGUAGES*/[];
  var wanted = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {
    var base = String(wanted[i]).toLowerCase().split("-")[0];
    if (spoken.indexOf(base) >= 0) {
      document.documentElement.setAttribute("data-lang", base);
      document.documentElement.lang = base;
      return;
    }
  }
})();
