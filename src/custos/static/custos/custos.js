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

// Person picker (custos/workforce/picker.py): a staff-number input that htmx fills with suggestions as the
// user types. Here it becomes an ARIA combobox: arrows move through the suggestions, Enter or a click puts
// the staff number in the input, Escape closes them. Without JavaScript it stays a plain text input.
function initPersonPicker(scope) {
  scope.querySelectorAll("input[data-custos-suggestions]:not([data-custos-picker])").forEach((input) => {
    input.setAttribute("data-custos-picker", "");
    const box = document.getElementById(input.dataset.custosSuggestions);
    const status = document.getElementById(input.dataset.custosStatus);
    const chosen = document.getElementById(input.dataset.custosChosen);
    if (!box || !status) return;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    let active = -1;
    const options = () => Array.from(box.querySelectorAll('[role="option"]'));
    const highlight = (index) => {
      const all = options();
      all.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      }
    };
    const close = () => {
      box.replaceChildren();
      highlight(-1);
      input.setAttribute("aria-expanded", "false");
      status.textContent = "";
    };
    const choose = (option) => {
      input.value = option.dataset.staffNumber;
      if (chosen) chosen.textContent = option.textContent.trim();
      close();
      input.focus();
    };
    box.addEventListener("htmx:afterSwap", () => {
      const all = options();
      const list = box.querySelector('[role="listbox"]');
      if (list) {
        list.id = `${box.id}-list`;
        input.setAttribute("aria-controls", list.id);
      }
      all.forEach((option, i) => {
        option.id = `${box.id}-${i}`;
      });
      highlight(-1);
      input.setAttribute("aria-expanded", all.length ? "true" : "false");
      const said = box.querySelector("[data-status]");
      status.textContent = said ? said.dataset.status : "";
    });
    // Keep focus in the input while a suggestion is clicked.
    box.addEventListener("mousedown", (event) => event.preventDefault());
    box.addEventListener("click", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) choose(option);
    });
    input.addEventListener("input", () => {
      if (chosen) chosen.textContent = "";
    });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      const all = options();
      if (event.key === "Escape" && all.length) {
        event.preventDefault();
        close();
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && all.length) {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + all.length) % all.length);
      } else if (event.key === "Enter" && active >= 0 && all[active]) {
        event.preventDefault(); // choose the suggestion; a second Enter submits the form
        choose(all[active]);
      }
    });
  });
}

function initScope(scope) {
  initAll({ scope });
  initBlur(scope);
  initPersonPicker(scope);
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
