// The secretariat's page of e-mail reminders: saves the mail server and the officers' addresses in the
// server's settings file (never in the ledger); an empty password keeps the one saved.
import { api, guarded } from "./app.js";

const value = (id) => document.getElementById(id).value.trim();

const form = document.getElementById("form-nhac-viec");
if (form) {
  form.addEventListener("submit", guarded(async () => {
    const addresses = {};
    for (const input of form.querySelectorAll("input.dia-chi")) addresses[input.dataset.actor] = input.value.trim();
    await api("PUT", "/api/reminder-settings", {
      host: value("nv-may-chu"), port: Number(value("nv-cong")), user: value("nv-nguoi-dung"),
      password: document.getElementById("nv-mat-khau").value, sender: value("nv-dia-chi-gui"),
      daysBefore: Number(value("nv-so-ngay")), addresses,
    });
    document.getElementById("nv-mat-khau").value = "";
    document.getElementById("loi").hidden = true;
    document.getElementById("nv-da-luu").hidden = false;
  }));
}
