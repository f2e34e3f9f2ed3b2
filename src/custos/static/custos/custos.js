// Custos' page script. Load it as an ES module after htmx:
//   <script src="{% static 'vendor/htmx/htmx.min.js' %}" defer></script>
//   <script type="module" src="{% static 'custos/custos.js' %}"></script>
// and put <meta name="csrf-token" content="{{ csrf_token }}"> in <head>.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

// GOV.UK Frontend only initialises components when these classes are present. Its template sets them with an
// inline script; setting them here keeps the pages working under a Content-Security-Policy without
// 'unsafe-inline'. A module script runs only in browsers that support ES modules, as the class promises.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : null;
}

// Blurred thumbnails: reveal on a deliberate click or Enter/Space, never on hover.
function initBlur(scope) {
  scope.querySelectorAll(".custos-blur:not([data-custos-blur])").forEach((el) => {
    el.setAttribute("data-custos-blur", "");
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-pressed", "false");
    const reveal = () => {
      el.classList.add("custos-blur--revealed");
      el.setAttribute("aria-pressed", "true");
    };
    el.addEventListener("click", reveal);
    el.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reveal();
      }
    });
  });
}

function initScope(scope) {
  initAll({ scope });
  initBlur(scope);
}

if (window.htmx) {
  // Every unsafe htmx request carries Django's CSRF token as a header.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = csrfToken();
    if (token) event.detail.headers["X-CSRFToken"] = token;
  });
  // htmx.onLoad runs for the whole body once, then for every fragment htmx swaps in, so each new
  // component is initialised exactly once.
  window.htmx.onLoad((element) => initScope(element));
} else {
  initScope(document);
}
