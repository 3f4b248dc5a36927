/* Dars Mini App: a client of Dars's own practice API (/api/v1/), in Bengali or English.
 *
 * No framework and nothing fetched at run time but the API: the page's strings, in both
 * languages, come from Django's catalogue in the page itself (#dars-strings), the settings in
 * #dars-config. Sign-in: Telegram.WebApp.initData when Telegram's script is present, else the
 * initData Telegram passes in the URL fragment (#tgWebAppData=...); Dars does not load
 * telegram-web-app.js from telegram.org (no CDN), so it tells Telegram it is ready itself.
 * Inside Telegram (window.Telegram.WebApp present) it follows Telegram's theme, where readable,
 * and its back button. In the demo mode (/app/?demo=1) the page carries a demo student's token.
 * Every API call sends the bearer token and never a cookie. Reads, sign-in, starting a
 * session and answers are retried on a lost connection or a 5xx (each is idempotent: an
 * identical answer gets the stored result); a hint is not (each one asks for the next).
 */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("dars-config").textContent);
  const catalogue = JSON.parse(document.getElementById("dars-strings").textContent);
  const main = document.getElementById("main");
  const nav = document.getElementById("nav");
  const switcher = document.getElementById("language-switch");
  const banner = document.getElementById("demo-banner");
  const BENGALI_DIGITS = "০১২৩৪৫৬৭৮৯";
  const MAX_ENTRY = 24;
  const TABS = ["home", "progress", "history", "settings"];

  const state = {
    token: null,
    student: null,
    lang: "bn",
    screen: null, // the function that draws the current screen
    tab: null,
    session: null,
    problem: null, // the session problem on screen
    entry: null, // what the student has entered for it
    notice: null, // a "try again" message or an error, shown with the entry kept
    retry: false, // the notice is the checker's "try again" (not an attempt)
    sent: null, // the last answer sent for the problem on screen (sent again on a language switch)
    verdict: null,
    summary: null,
    shownAt: 0,
    busy: false,
    guardianCode: null, // the code for a guardian just issued, shown in the settings
  };

  // --- words and numbers -------------------------------------------------------------------

  function digits(value) {
    const text = String(value);
    return state.lang === "bn" ? text.replace(/[0-9]/g, (d) => BENGALI_DIGITS[d]) : text;
  }

  function t(key, params) {
    const table = catalogue[state.lang] || catalogue.en;
    const text = table[key] ?? catalogue.en[key] ?? key;
    if (!params) return text;
    return text.replace(/%\((\w+)\)s/g, (_, name) => {
      const value = params[name];
      return typeof value === "number" ? digits(value) : String(value ?? "");
    });
  }

  function localDate(iso, options) {
    const locale = state.lang === "bn" ? "bn-BD" : "en-GB";
    const date = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
    try {
      return new Intl.DateTimeFormat(locale, options || { day: "numeric", month: "long" }).format(date);
    } catch (error) {
      return digits(iso.slice(0, 10));
    }
  }

  function percent(share) {
    return `${digits(Math.round(share * 100))}%`;
  }

  // --- building the page -------------------------------------------------------------------

  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") element.className = value;
      else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : String(child));
    }
    return element;
  }

  function button(label, onclick, attributes) {
    return h("button", { type: "button", onclick, ...(attributes || {}) }, label);
  }

  function show(screen, tab) {
    state.screen = screen;
    state.tab = tab || null;
    telegramBackButton(state.token !== null && state.student && state.student.registered && tab !== "home");
    draw();
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function draw() {
    document.documentElement.lang = state.lang;
    document.title = t("title");
    drawChrome();
    main.replaceChildren(...[].concat(state.screen()).flat().filter((part) => part !== null && part !== false));
  }

  function drawChrome() {
    const other = config.languages.find(([code]) => code !== state.lang);
    switcher.hidden = false;
    switcher.textContent = other[1];
    switcher.lang = other[0];
    switcher.setAttribute("aria-label", `${t("switch_language")}: ${other[1]}`);
    banner.hidden = !config.demo;
    banner.textContent = config.demo ? t("demo") : "";
    nav.hidden = !state.tab;
    nav.setAttribute("aria-label", t("nav"));
    nav.replaceChildren(
      ...TABS.map((tab) =>
        button(t(tab), () => openTab(tab), {
          class: "tab",
          "aria-current": tab === state.tab ? "page" : null,
          "data-tab": tab,
        }),
      ),
    );
  }

  function message(text, action) {
    return [h("p", { class: "message", role: "alert" }, text), action || null];
  }

  function failed(error, retry) {
    show(() => message(error.message, retry ? button(t("retry"), retry, { class: "primary" }) : null));
  }

  // --- the API -----------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(code, text, status) {
      super(text);
      this.code = code;
      this.status = status;
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function api(method, path, body, retries = 2) {
    for (let attempt = 0; ; attempt += 1) {
      let response = null;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 20000);
      try {
        response = await fetch(config.api + path, {
          method,
          credentials: "omit", // the token, never a cookie (the admin's session stays out)
          cache: "no-store",
          signal: controller.signal,
          headers: {
            Accept: "application/json",
            ...(body ? { "Content-Type": "application/json" } : {}),
            ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
      } catch (error) {
        response = null; // offline, or timed out
      } finally {
        clearTimeout(timer);
      }
      if ((response === null || response.status >= 500) && attempt < retries) {
        const after = response ? Number(response.headers.get("Retry-After")) : 0;
        await sleep(Math.min(after > 0 ? after * 1000 : 1000 * 2 ** attempt, 8000));
        continue;
      }
      if (response === null) throw new ApiError("offline", t("offline"), 0);
      let data = null;
      try {
        data = response.status === 204 ? null : await response.json();
      } catch (error) {
        data = null;
      }
      if (!response.ok) {
        const detail = data && data.error;
        throw new ApiError(detail ? detail.code : "failed", detail ? detail.message : t("failed"), response.status);
      }
      return data;
    }
  }

  // --- Telegram ----------------------------------------------------------------------------

  function telegramApp() {
    return (window.Telegram && window.Telegram.WebApp) || null;
  }

  function telegramInitData() {
    const app = telegramApp();
    if (app && app.initData) return app.initData;
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    return fragment.get("tgWebAppData") || "";
  }

  // What telegram-web-app.js would send: "ready" (hide Telegram's loader) and "expand".
  function telegramEvent(type) {
    const app = telegramApp();
    try {
      if (app) {
        if (type === "web_app_ready") app.ready();
        if (type === "web_app_expand") app.expand();
      } else if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent(type, "{}");
      } else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: {} }), "https://web.telegram.org");
      }
    } catch (error) {
      // Not inside Telegram: nothing to tell.
    }
  }

  // The theme: Telegram's colours (themeParams) over Dars's own, each only where it stays
  // readable in bright light (text 7:1 on the background, controls 4.5:1), and Telegram's light
  // or dark scheme (colorScheme). Without Telegram's script, Dars's light colours.
  const THEME_COLOURS = {
    bg_color: "--paper",
    text_color: "--ink",
    hint_color: "--muted",
    link_color: "--link",
    button_color: "--brand",
    button_text_color: "--brand-ink",
    secondary_bg_color: "--soft",
  };

  // "#rgb" or "#rrggbb" (what Telegram sends and Dars's own colours are) as [r, g, b].
  function rgb(colour) {
    const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(colour || "").trim());
    if (!match) return null;
    const hex = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
    const n = parseInt(hex, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function luminance(colour) {
    const [r, g, b] = rgb(colour).map((c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(one, two) {
    const [a, b] = [luminance(one), luminance(two)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  }

  // The first colour readable on `background`, else black or white, whichever reads better.
  function readable(candidates, background, least) {
    const found = candidates.find((colour) => rgb(colour) && contrast(colour, background) >= least);
    if (found) return found;
    return contrast("#000000", background) >= contrast("#ffffff", background) ? "#000000" : "#ffffff";
  }

  function applyTheme() {
    const app = telegramApp();
    if (!app) return;
    const root = document.documentElement;
    Object.values(THEME_COLOURS).forEach((name) => root.style.removeProperty(name));
    root.dataset.scheme = app.colorScheme === "dark" ? "dark" : "light";
    const style = getComputedStyle(root);
    const ours = (name) => style.getPropertyValue(name).trim();
    const theirs = app.themeParams || {};
    const pick = (key) => (rgb(theirs[key]) ? theirs[key] : null);
    const paper = pick("bg_color") || ours("--paper");
    const ink = readable([pick("text_color"), ours("--ink")], paper, 7);
    const soft = [pick("secondary_bg_color"), ours("--soft"), paper].find((c) => rgb(c) && contrast(ink, c) >= 7) || paper;
    const brand = readable([pick("button_color"), ours("--brand")], paper, 4.5);
    const colours = {
      "--paper": paper,
      "--ink": ink,
      "--muted": readable([pick("hint_color"), ours("--muted")], paper, 4.5),
      "--link": readable([pick("link_color"), brand], paper, 4.5),
      "--brand": brand,
      "--brand-ink": readable([pick("button_text_color"), ours("--brand-ink")], brand, 4.5),
      "--soft": soft,
    };
    for (const [name, colour] of Object.entries(colours)) root.style.setProperty(name, colour);
  }

  // Telegram's own back button (top left) goes back to the home screen from any other one.
  function telegramBackButton(visible) {
    const back = telegramApp() && telegramApp().BackButton;
    if (!back) return;
    try {
      if (visible) back.show();
      else back.hide();
    } catch (error) {
      // An older Telegram without the button: the page's own buttons and tabs remain.
    }
  }

  function telegramSetUp() {
    const app = telegramApp();
    if (!app) return;
    applyTheme();
    try {
      if (app.onEvent) app.onEvent("themeChanged", applyTheme);
      if (app.BackButton && app.BackButton.onClick) app.BackButton.onClick(() => openTab("home"));
    } catch (error) {
      // An older Telegram: Dars's own colours and buttons.
    }
  }

  // --- signing in and the profile ------------------------------------------------------------

  async function boot() {
    telegramSetUp();
    telegramEvent("web_app_ready");
    telegramEvent("web_app_expand");
    if (config.demo) {
      signedIn(config.demo);
      return;
    }
    const initData = telegramInitData();
    if (!initData) {
      show(() => message(t("open_in_telegram")));
      return;
    }
    try {
      signedIn(await api("POST", "auth/telegram/", { init_data: initData }));
    } catch (error) {
      failed(error, boot);
    }
  }

  function signedIn(signIn) {
    state.token = signIn.token;
    enter(signIn.student);
  }

  function enter(student) {
    state.student = student;
    state.lang = student.language;
    if (student.registered) openTab("home");
    else show(registerScreen);
  }

  function profileForm(submitLabel, onSaved) {
    const student = state.student;
    const notice = h("p", { class: "notice", role: "alert", hidden: true });
    const name = h("input", {
      id: "name",
      name: "name",
      type: "text",
      autocomplete: "given-name",
      maxlength: "100",
      required: true,
      value: student.name,
    });
    const grades = config.grades.map((grade) =>
      h("label", { class: "choice" },
        h("input", { type: "radio", name: "grade", value: String(grade), checked: student.grade === grade }),
        h("span", {}, t(`grade_${grade}`))),
    );
    const languages = config.languages.map(([code, label]) =>
      h("label", { class: "choice", lang: code },
        h("input", { type: "radio", name: "language", value: code, checked: student.language === code }),
        h("span", {}, label)),
    );
    const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
    const form = h("form", { class: "profile", novalidate: true },
      h("label", { for: "name", class: "field-label" }, t("name")),
      name,
      h("fieldset", {}, h("legend", {}, t("class")), h("div", { class: "choices stacked" }, grades)),
      h("fieldset", {}, h("legend", {}, t("language")), h("div", { class: "choices" }, languages)),
      notice,
      submit,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (state.busy) return;
      const data = new FormData(form);
      const body = { name: String(data.get("name") || "").trim(), language: data.get("language") || state.lang };
      if (data.get("grade")) body.grade = Number(data.get("grade"));
      const missing = !body.name ? t("name_missing") : !body.grade ? t("class_missing") : null;
      if (missing) {
        notice.hidden = false;
        notice.textContent = missing;
        return;
      }
      state.busy = true;
      submit.disabled = true;
      try {
        state.student = await api("PATCH", "me/", body);
        state.lang = state.student.language;
        onSaved();
      } catch (error) {
        notice.hidden = false;
        notice.textContent = error.message;
      } finally {
        state.busy = false;
        submit.disabled = false;
      }
    });
    return form;
  }

  function registerScreen() {
    return [
      h("h1", {}, t("welcome")),
      h("p", {}, t("register_intro")),
      profileForm(t("start"), () => openTab("home")),
    ];
  }

  function settingsScreen() {
    return [
      h("h1", {}, t("settings")),
      profileForm(t("save"), () => {
        draw();
        const saved = main.querySelector(".notice");
        saved.hidden = false;
        saved.textContent = t("saved");
      }),
      guardianBox(),
    ];
  }

  // A one-time code the student gives a parent, who sends "/start <code>" to the bot to get
  // the weekly report. Shown until the screen changes; each press issues a new code.
  function guardianBox() {
    const out = h("div", { class: "guardian-code", role: "status" });
    const code = state.guardianCode;
    if (code) {
      out.append(
        h("p", {}, t("guardian_code")),
        h("p", { class: "code", lang: "en", translate: "no", tabindex: "-1" }, code.code),
        h("p", {}, t("guardian_send")),
        h("p", { class: "command", lang: "en", translate: "no" }, `/start ${code.code}`),
        h("p", { class: "expires" }, t("guardian_expires", { time: localDate(code.expires_at, { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) })),
      );
    }
    const ask = button(code ? t("guardian_new") : t("guardian_get"), async () => {
      if (state.busy) return;
      state.busy = true;
      ask.disabled = true;
      try {
        // A retry is safe: each code replaces the one before, and the last one is shown.
        state.guardianCode = await api("POST", "guardian-code/");
        main.querySelector(".guardian").replaceWith(guardianBox());
        main.querySelector(".guardian .code").focus();
      } catch (error) {
        out.replaceChildren(h("p", { class: "notice", role: "alert" }, error.message));
      } finally {
        state.busy = false;
        ask.disabled = false;
      }
    }, { class: "secondary", id: "guardian-code" });
    return h("section", { class: "guardian" },
      h("h2", {}, t("guardian_title")),
      h("p", {}, t("guardian_intro")),
      out,
      ask);
  }

  async function switchLanguage() {
    if (state.busy) return;
    const next = state.lang === "bn" ? "en" : "bn";
    if (!state.token) {
      state.lang = next;
      draw();
      return;
    }
    state.busy = true;
    try {
      state.student = await api("PATCH", "me/", { language: next });
      state.lang = state.student.language;
      await relanguage();
      if (state.tab === "progress" || state.tab === "history") {
        state.busy = false;
        openTab(state.tab);
        return;
      }
      draw();
    } catch (error) {
      state.notice = error.message;
      draw();
    } finally {
      state.busy = false;
    }
  }

  // What came from the API in the old language comes again in the new one: the session's
  // questions, options and hints seen (read again); the verdict, its feedback and explanation,
  // or the checker's "try again" (the same answer sent again: the stored result of a final
  // answer, nothing written for one that was not an attempt).
  async function relanguage() {
    if (!state.session || !state.problem) return;
    const onVerdict = state.screen === verdictScreen && state.verdict;
    const onRetry = state.screen === problemScreen && state.retry && state.notice && state.sent;
    const session = await api("GET", `sessions/${state.session.id}/`);
    state.session = session;
    state.problem = session.problems.find((p) => p.problem_id === state.problem.problem_id);
    if (!onVerdict && !onRetry) return;
    const result = await api("POST", `sessions/${session.id}/answers/`, state.sent);
    if (onVerdict) {
      state.verdict = { ...result, given: state.verdict.given };
      if (result.summary) state.summary = result.summary;
    } else if (!result.final) {
      state.notice = result.message;
    }
  }

  // --- tabs: home, progress, history, settings -----------------------------------------------

  async function openTab(tab) {
    state.guardianCode = null; // shown on the screen where it was asked for only
    if (tab === "settings") {
      show(settingsScreen, tab);
      return;
    }
    const load = { home: loadHome, progress: loadProgress, history: loadHistory }[tab];
    show(() => h("p", { class: "loading" }, t("loading")), tab);
    try {
      const screen = await load();
      show(screen, tab);
    } catch (error) {
      failed(error, () => openTab(tab));
    }
  }

  async function loadHome() {
    const streak = await api("GET", "streak/");
    return () => [
      h("h1", {}, t("hello", { name: state.student.name })),
      streakCard(streak.current_streak, [
        h("p", {}, t("longest", { days: streak.longest_streak })),
        h("p", { title: t("freezes_help") }, t("freezes", { count: streak.freezes }), " ", h("span", { "aria-hidden": "true" }, "❄")),
        streak.next_milestone ? h("p", {}, t("next_milestone", { days: streak.next_milestone })) : null,
      ]),
      h("p", { class: "lead" }, streak.practiced_today ? t("done_today") : t("todo_today", { count: 5 })),
      button(streak.practiced_today ? t("practise_again") : t("start_practice"), startPractice, {
        class: "primary",
        id: "start",
      }),
    ];
  }

  function streakCard(days, details) {
    return h("section", { class: "streak" },
      h("p", { class: "streak-days" }, h("span", { class: "big" }, digits(days)), " ", t("streak")),
      details);
  }

  async function loadProgress() {
    const topics = await api("GET", "progress/");
    const now = new Date();
    const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
    return () => [
      h("h1", {}, t("progress")),
      topics.length === 0 ? h("p", {}, t("progress_empty")) : h("ul", { class: "topics" }, topics.map((topic) =>
        h("li", { class: `topic level-${topic.level}` },
          h("h2", {}, topic.name),
          h("p", { class: "level" }, t(`level_${topic.level}`)),
          topic.accuracy === null ? null : [
            h("meter", { min: "0", max: "1", value: String(topic.accuracy), "aria-label": t("accuracy", { share: percent(topic.accuracy) }) }),
            h("p", {}, t("accuracy", { share: percent(topic.accuracy) }), " · ", t("attempts", { count: topic.attempts })),
          ],
          topic.next_review_date
            ? h("p", {}, topic.next_review_date <= today ? t("review_today") : t("review_on", { date: localDate(topic.next_review_date) }))
            : null,
        ))),
    ];
  }

  async function loadHistory() {
    const [calendar, sessions, mistakes] = await Promise.all([
      api("GET", "streak/calendar/"),
      api("GET", "sessions/?page_size=10"),
      api("GET", "mistakes/?page_size=5"),
    ]);
    const list = h("ol", { class: "mistakes" }, mistakes.results.map(mistakeCard));
    let next = mistakes.next ? 2 : null;
    const more = button(t("more"), async () => {
      more.disabled = true;
      try {
        const page = await api("GET", `mistakes/?page_size=5&page=${next}`);
        list.append(...page.results.map(mistakeCard));
        next = page.next ? next + 1 : null;
      } catch (error) {
        more.after(h("p", { class: "notice", role: "alert" }, error.message));
      }
      more.disabled = false;
      more.hidden = !next;
    }, { hidden: !next, id: "more-mistakes" });
    return () => [
      h("h1", {}, t("history")),
      h("section", { class: "calendar-box" },
        h("h2", {}, t("calendar")),
        h("ol", { class: "calendar" }, calendar.days.map((day) =>
          h("li", { class: `day ${day.state}`, title: localDate(day.date), "aria-label": `${localDate(day.date)}: ${t({ practised: "practised", freeze: "frozen", none: "missed" }[day.state])}` },
            h("span", { "aria-hidden": "true" }, day.state === "freeze" ? "❄" : digits(Number(day.date.slice(8, 10))))))),
        h("ul", { class: "legend" }, [["practised", "practised", ""], ["freeze", "frozen", "❄"], ["none", "missed", ""]].map(([kind, label, mark]) =>
          h("li", {}, h("span", { class: `day ${kind}`, "aria-hidden": "true" }, mark), t(label))))),
      h("section", {},
        h("h2", {}, t("mistakes")),
        mistakes.count === 0 ? h("p", {}, t("no_mistakes")) : [list, more]),
      h("section", {},
        h("h2", {}, t("sessions")),
        sessions.count === 0 ? h("p", {}, t("no_sessions")) : h("ul", { class: "sessions" }, sessions.results.map((s) =>
          h("li", {},
            h("span", {}, localDate(s.started_at)),
            h("span", {}, s.status === "completed" ? t("score", { correct: s.problems_correct, total: 5 }) : t(`status_${s.status}`)))))),
    ];
  }

  function mistakeCard(mistake) {
    return h("li", { class: "card" },
      h("p", { class: "question" }, mistake.question),
      mistake.options.length ? h("ul", { class: "option-list" }, mistake.options.map((o) => h("li", {}, `${o.local_label}) ${o.text}`))) : null,
      answerFacts(mistake.student_answer, mistake.correct_answer),
      mistake.feedback ? h("p", { class: "feedback" }, mistake.feedback) : null,
      mistake.explanation ? h("details", {}, h("summary", {}, t("explanation")), h("p", { class: "explanation" }, mistake.explanation)) : null,
    );
  }

  function answerFacts(given, correct) {
    return h("dl", { class: "facts" },
      given === null ? null : [h("dt", {}, t("you_answered")), h("dd", { class: "given" }, given)],
      h("dt", {}, t("correct_answer")), h("dd", { class: "right" }, correct));
  }

  // --- practice ------------------------------------------------------------------------------

  async function startPractice(event) {
    if (state.busy) return;
    state.busy = true;
    const trigger = event && event.currentTarget;
    if (trigger) trigger.disabled = true;
    try {
      const session = await api("POST", "sessions/");
      state.session = session;
      state.summary = null;
      nextProblem();
    } catch (error) {
      if (error.code === "registration_required") show(registerScreen);
      else failed(error, () => openTab("home"));
    } finally {
      state.busy = false;
      if (trigger) trigger.disabled = false;
    }
  }

  function nextProblem() {
    const problem = state.session.problems.find((p) => p.status === "unanswered");
    if (!problem) {
      openTab("home");
      return;
    }
    state.problem = problem;
    state.notice = null;
    state.retry = false;
    state.sent = null;
    state.verdict = null;
    state.shownAt = Date.now();
    state.entry = {
      numeric: { kind: "numeric", value: "" },
      fraction: { kind: "fraction", num: "", den: "", field: "num" },
      multiple_choice: { kind: "choice", value: null },
      text: { kind: "text", value: "" },
    }[problem.answer_type];
    show(problemScreen);
  }

  function answered() {
    return state.session.problems.filter((p) => p.status !== "unanswered").length;
  }

  function practiceHeader() {
    const p = state.problem;
    return h("div", { class: "practice-head" },
      h("p", { class: "position" }, t("position", { position: p.position, total: state.session.problems.length })),
      button(t("leave"), () => openTab("home"), { class: "quiet" }),
      h("progress", { max: String(state.session.problems.length), value: String(answered()), "aria-label": t("answered_so_far") }));
  }

  function problemScreen() {
    const p = state.problem;
    const hints = p.hints_seen || []; // from the API: a reload shows them again
    const left = p.hints_available - p.hints_used;
    const form = h("form", { class: "answer", novalidate: true, onsubmit: submitAnswer },
      entryWidget(p),
      state.notice ? h("p", { class: "notice", role: "alert" }, state.retry ? [h("strong", {}, t("try_again")), " "] : null, state.notice) : null,
      h("div", { class: "actions" },
        left > 0 ? button(t("hint", { left }), askHint, { class: "secondary", id: "hint" }) : null,
        h("button", { type: "submit", class: "primary", id: "check" }, t("check"))));
    return [
      practiceHeader(),
      h("h1", { class: "question" }, p.question),
      hints.length ? h("ol", { class: "hints" }, hints.map((hint) =>
        h("li", { class: "hint" }, h("strong", {}, t("hint_title", { level: hint.level })), " ", hint.text))) : null,
      form,
    ];
  }

  function entryWidget(p) {
    const entry = state.entry;
    if (entry.kind === "choice") {
      return h("fieldset", { class: "options" }, h("legend", {}, t("options")),
        p.options.map((option) =>
          button([h("span", { class: "letter" }, option.local_label), h("span", { class: "text" }, option.text)], () => {
            entry.value = option.local_label;
            state.notice = null;
            main.querySelectorAll(".option").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.label === entry.value)));
          }, { class: "option", "aria-pressed": String(entry.value === option.local_label), "data-label": option.local_label })));
    }
    if (entry.kind === "text") {
      return [
        h("label", { for: "answer", class: "field-label" }, t("your_answer")),
        h("input", { id: "answer", type: "text", autocomplete: "off", maxlength: "500", value: entry.value,
          oninput: (event) => { entry.value = event.target.value; } }),
      ];
    }
    const display = (id, field, label) => h("div", { class: "display-box" },
      h("label", { for: id, class: "visually-hidden" }, label),
      h("input", { id, class: `display${entry.kind === "fraction" && entry.field === field ? " active" : ""}`, readonly: true,
        inputmode: "none", value: entry[field], onfocus: () => selectField(field), onclick: () => selectField(field) }));
    const displays = entry.kind === "fraction"
      ? h("div", { class: "fraction" }, display("numerator", "num", t("numerator")), h("hr", { "aria-hidden": "true" }), display("denominator", "den", t("denominator")))
      : display("answer", "value", t("your_answer"));
    return [displays, keypad(entry.kind === "numeric")];
  }

  function selectField(field) {
    if (state.entry.kind !== "fraction") return;
    state.entry.field = field;
    main.querySelector("#numerator").classList.toggle("active", field === "num");
    main.querySelector("#denominator").classList.toggle("active", field === "den");
  }

  function keypad(withPoint) {
    const key = (label, value, name) => button(label, () => press(value), { class: "key", "aria-label": name || null, "data-key": value });
    const digit = (n) => key(digits(n), String(n));
    // A phone's layout: 1 2 3 on top, the sign, point and delete on the right, a wide 0.
    const keys = [
      digit(1), digit(2), digit(3), key("⌫", "back", t("delete")),
      digit(4), digit(5), digit(6), key("−", "-", t("minus")),
      digit(7), digit(8), digit(9), withPoint ? key(".", ".", t("point")) : h("span", { class: "key-gap" }),
      digit(0),
    ];
    return h("div", { class: "keypad", role: "group", "aria-label": t("keypad") }, keys);
  }

  function press(key) {
    const entry = state.entry;
    const field = entry.kind === "fraction" ? entry.field : "value";
    let text = entry[field];
    if (key === "back") text = Array.from(text).slice(0, -1).join("");
    else if (key === "-") text = text.startsWith("-") ? text.slice(1) : `-${text}`;
    else if (key === ".") {
      if (entry.kind === "numeric" && !text.includes(".")) text += /[0-9০-৯]$/.test(text) ? "." : `${digits(0)}.`;
    } else if (text.length < MAX_ENTRY) text += digits(key);
    entry[field] = text;
    state.notice = null;
    const id = entry.kind === "fraction" ? (field === "num" ? "numerator" : "denominator") : "answer";
    main.querySelector(`#${id}`).value = text;
    const notice = main.querySelector(".answer .notice");
    if (notice) notice.remove();
  }

  function answerText() {
    const entry = state.entry;
    if (entry.kind === "fraction") return entry.num && entry.den ? `${entry.num}/${entry.den}` : "";
    return (entry.value || "").trim();
  }

  async function submitAnswer(event) {
    event.preventDefault();
    if (state.busy) return; // never a second answer while one is on its way
    const text = answerText();
    if (!text) {
      state.notice = state.entry.kind === "choice" ? t("choose_answer") : t("enter_answer");
      state.retry = false;
      draw();
      return;
    }
    const check = main.querySelector("#check");
    state.retry = false;
    state.busy = true;
    check.disabled = true;
    check.textContent = t("checking");
    const problem = state.problem;
    const body = {
      problem_id: problem.problem_id,
      answer: text,
      time_spent_seconds: Math.min(Math.round((Date.now() - state.shownAt) / 1000), 86400),
    };
    state.sent = body;
    try {
      const result = await api("POST", `sessions/${state.session.id}/answers/`, body);
      state.busy = false;
      if (!result.final) {
        state.notice = result.message; // not an attempt: the entry stays for another go
        state.retry = true;
        draw();
        return;
      }
      problem.status = result.result;
      state.verdict = { ...result, given: text };
      if (result.summary) state.summary = result.summary;
      show(verdictScreen);
    } catch (error) {
      state.busy = false;
      if (["session_expired", "session_closed", "not_found"].includes(error.code)) {
        state.session = null;
        show(() => message(error.message, button(t("new_practice"), startPractice, { class: "primary" })));
        return;
      }
      state.notice = error.message; // the same answer can be sent again: it is idempotent
      draw();
    }
  }

  async function askHint(event) {
    if (state.busy) return;
    const trigger = event.currentTarget;
    const problem = state.problem;
    state.busy = true;
    trigger.disabled = true;
    try {
      // Not retried by itself: each request shows the next hint.
      const hint = await api("POST", `sessions/${state.session.id}/hints/`, { problem_id: problem.problem_id }, 0);
      problem.hints_seen = [...(problem.hints_seen || []), { level: hint.level, text: hint.text }];
      problem.hints_used = hint.level;
      problem.hints_available = hint.level + hint.hints_remaining;
      state.notice = null;
      state.retry = false;
    } catch (error) {
      state.notice = error.message;
      state.retry = false;
    } finally {
      state.busy = false;
    }
    draw();
  }

  function verdictScreen() {
    const v = state.verdict;
    const right = v.result === "correct";
    const last = !!v.summary;
    return [
      practiceHeader(),
      h("p", { class: "question small" }, state.problem.question),
      h("section", { class: `verdict ${right ? "right" : "wrong"}`, role: "status" },
        h("h1", {}, h("span", { "aria-hidden": "true" }, right ? "✓ " : "✗ "), v.message),
        answerFacts(right ? null : v.given, v.correct_answer)),
      v.feedback ? h("section", { class: "feedback" }, h("h2", {}, t("feedback")), h("p", {}, v.feedback)) : null,
      v.explanation ? h("section", { class: "explanation-box" }, h("h2", {}, t("explanation")), h("p", { class: "explanation" }, v.explanation)) : null,
      button(last ? t("see_summary") : t("next"), last ? () => show(summaryScreen, "summary") : nextProblem, { class: "primary", id: "next" }),
    ];
  }

  function summaryScreen() {
    const s = state.summary;
    return [
      h("h1", {}, t("summary")),
      h("p", { class: "score" }, t("score", { correct: s.problems_correct, total: s.total })),
      s.milestone_reached ? h("p", { class: "milestone", role: "status" }, h("span", { "aria-hidden": "true" }, "🎉 "), t("milestone", { days: s.milestone_reached })) : null,
      streakCard(s.current_streak, s.freeze_used ? h("p", {}, t("freeze_used")) : null),
      button(t("back_home"), () => openTab("home"), { class: "primary", id: "home" }),
      button(t("history"), () => openTab("history"), { class: "secondary" }),
    ];
  }

  // Typing on a keyboard (a computer in the demo mode) works like the keypad.
  document.addEventListener("keydown", (event) => {
    const entry = state.entry;
    if (state.screen !== problemScreen || !entry || (entry.kind !== "numeric" && entry.kind !== "fraction")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.replace(/[০-৯]/, (d) => String(BENGALI_DIGITS.indexOf(d)));
    if (/^[0-9]$/.test(key) || key === "-" || key === ".") press(key);
    else if (key === "Backspace") press("back");
    else if (key === "/" && entry.kind === "fraction") selectField("den");
    else return;
    event.preventDefault();
  });

  switcher.addEventListener("click", switchLanguage);
  boot();
})();
