// A lost key: on the login page, the person makes a new key in this browser (the private key stays
// here) and asks the secretariat for it; on the secretariat's page, the requests waiting, each approved
// by signing the command that revokes the old key and gives the new one, or rejected.
import { api, generateKey, guarded, runCommand } from "./app.js";

const field = (id) => document.getElementById(id).value.trim().normalize("NFC");

function loginPage(form) {
  form.addEventListener("submit", guarded(async () => {
    const actor = field("mk-ma");
    const name = field("mk-ten");
    const note = field("mk-ly-do");
    const record = await generateKey();
    await api("POST", "/api/reenrolment", { actor, name, note, publicKey: record.publicKey });
    const done = document.getElementById("mk-da-gui");
    done.textContent = `Đã gửi yêu cầu. Khoá mới ${record.keyID.match(/.{4}/g).slice(0, 4).join(" ")} đã lưu trong trình duyệt này; `
      + "khi Văn phòng thường trực ký duyệt, hãy đăng nhập bằng khoá đó.";
    done.hidden = false;
    form.reset();
  }));
}

async function secretariatPage(list) {
  const requests = await api("GET", "/api/reenrolment");
  document.getElementById("khong-co-yeu-cau").hidden = requests.length > 0;
  list.replaceChildren(...requests.map((request) => {
    const item = document.createElement("li");
    item.dataset.actor = request.actor;
    const text = document.createElement("p");
    text.textContent = `${request.actorName} (${request.actor}) — người gửi tự xưng “${request.name}”, lúc ${request.at}. `
      + `Lý do: ${request.note}. Khoá mới: ${request.publicKey}`;
    const approve = document.createElement("button");
    approve.type = "button";
    approve.className = "primary approve";
    approve.textContent = "Ký: thu hồi khoá cũ và cấp khoá mới";
    approve.addEventListener("click", guarded(() => runCommand(
      { operation: "replace-lost-key", actor: request.actor, publicKey: request.publicKey, reason: `Mất khoá: ${request.note}` },
      { typed: [request.actor, request.publicKey] })));
    const reject = document.createElement("button");
    reject.type = "button";
    reject.className = "reject";
    reject.textContent = "Từ chối";
    reject.addEventListener("click", guarded(async () => {
      await api("DELETE", `/api/reenrolment/${encodeURIComponent(request.id)}`);
      await secretariatPage(list);
    }));
    item.append(text, approve, " ", reject);
    return item;
  }));
}

const form = document.getElementById("form-mat-khoa");
if (form) loginPage(form);
const list = document.getElementById("yeu-cau-cap-lai");
if (list) secretariatPage(list).catch((error) => { list.textContent = error.message; });
