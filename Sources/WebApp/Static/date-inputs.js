// Every date picker (<input type=date>) shows the date chosen as people in Vietnam write it, dd/mm/yyyy,
// beside it: the picker itself follows the browser's locale, which may not be Vietnamese.
import { vietnameseDate } from "./points.js";

function echo(input) {
  const shown = document.createElement("span");
  shown.className = "date-echo";
  shown.setAttribute("aria-live", "polite");
  const update = () => { shown.textContent = input.value ? `Ngày đã chọn: ${vietnameseDate(input.value)}` : ""; };
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  input.insertAdjacentElement("afterend", shown);
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[type=date]")) echo(input);
});
