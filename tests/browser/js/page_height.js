// The height of the whole page in CSS pixels (what a full-page screenshot would cover).
() => document.documentElement.scrollHeight
