-- User commands, file matching, :checkhealth postmortem.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

T.setup({})
local pm = require("postmortem")

T.test("file matching follows the server's rules", function()
  -- The same cases as crates/engine/src/detect.rs.
  T.ok(pm.is_postmortem("a/postmortem.yaml"), "postmortem.yaml")
  T.ok(pm.is_postmortem("a/inc-1.postmortem.yml"), "*.postmortem.yml")
  T.ok(pm.is_postmortem("repo/postmortems/2026/inc.yaml"), "under postmortems/")
  T.ok(pm.is_postmortem("x.yaml", { "incident_ref: INC-1" }), "incident_ref")
  T.ok(not pm.is_postmortem("x.yaml", { "  incident_ref: nested" }), "nested incident_ref")
  T.ok(not pm.is_postmortem(".github/workflows/ci.yaml", { "on: push" }), "workflow")
  T.ok(not pm.is_postmortem("postmortem.md"), "markdown")
end)

T.test("the draftable sections are the server's prompts", function()
  local files = {}
  for name, kind in vim.fs.dir(T.repo .. "/crates/draft/prompts/sections") do
    if kind == "file" and name:match("%.md$") then
      table.insert(files, (name:gsub("%.md$", "")))
    end
  end
  table.sort(files)
  local ours = vim.deepcopy(pm.sections)
  table.sort(ours)
  T.eq(files, ours, "sections")
end)

T.test(":PostmortemDraft completes section names", function()
  T.eq({ "timeline" }, vim.fn.getcompletion("PostmortemDraft ti", "cmdline"))
  T.eq(pm.sections, vim.fn.getcompletion("PostmortemDraft ", "cmdline"))
  for _, c in ipairs({ "PostmortemDraftMissing", "PostmortemReview", "PostmortemReviewWording", "PostmortemLowConfidence", "PostmortemCancel" }) do
    T.eq(2, vim.fn.exists(":" .. c), c)
  end
end)

T.test(":PostmortemLowConfidence fills the quickfix list", function()
  local doc = T.read(T.example .. "/mistakes.postmortem.yaml")
  local dir = T.workspace("qf", { ["mistakes.postmortem.yaml"] = doc })
  local buf = T.open(dir .. "/mistakes.postmortem.yaml")
  vim.fn.setqflist({}, "r", { items = {} })
  vim.cmd("PostmortemLowConfidence")
  local qf = T.wait("the quickfix list", function()
    local l = vim.fn.getqflist({ items = 1, title = 1 })
    return #l.items > 0 and l
  end)
  T.eq("Postmortem: fields to verify", qf.title)
  -- AI-002 has no owner; contributing factor 1 and AI-005 have confidence L.
  local l_ai2 = T.find(buf, "id: AI-002")
  local found = { noOwner = false, low = 0 }
  for _, it in ipairs(qf.items) do
    T.eq(buf, it.bufnr, "quickfix buffer")
    if it.text:find("^%[noOwner%]") and it.lnum == l_ai2 + 1 then
      found.noOwner = true
    end
    if it.text:find("^%[lowConfidence%]") then
      found.low = found.low + 1
    end
  end
  T.ok(found.noOwner, "AI-002 without owner in " .. vim.inspect(qf.items))
  T.ok(found.low >= 2, "the two confidence: L fields in " .. vim.inspect(qf.items))
end)

T.test(":checkhealth postmortem reports binary, version, key and config", function()
  local dir = T.workspace("health", {
    ["postmortem.yaml"] = T.read(T.example .. "/postmortem.yaml"),
    [".postmortem-lsp.toml"] = "[rules]\nPM305 = \"off\"\n",
  })
  T.open(dir .. "/postmortem.yaml")
  vim.env.ANTHROPIC_API_KEY = nil
  vim.cmd("checkhealth postmortem")
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  T.contains(text, "binary: " .. T.server)
  T.contains(text, "version: postmortem-lsp ")
  T.contains(text, "Anthropic API key: not set")
  T.contains(text, "workspace config: " .. dir .. "/.postmortem-lsp.toml")
  T.contains(text, "client ")
  vim.cmd("bwipeout!")
  vim.env.ANTHROPIC_API_KEY = "sk-ant-health-check-secret"
  vim.cmd("checkhealth postmortem")
  text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  T.contains(text, "Anthropic API key: present in ANTHROPIC_API_KEY")
  T.ok(not text:find("sk-ant-health-check-secret", 1, true), "the key is never shown")
  vim.env.ANTHROPIC_API_KEY = nil
end)

T.test("setup({ cmd = … }) overrides the server command", function()
  local wrapper = T.tmp .. "/wrapped-server.sh"
  local marker = T.tmp .. "/wrapper-ran"
  T.write(wrapper, ("#!/bin/sh\ntouch '%s'\nexec '%s' \"$@\"\n"):format(marker, T.server))
  vim.uv.fs_chmod(wrapper, 493) -- 0755
  T.setup({ cmd = { wrapper, "serve" } })
  local dir = T.workspace("cmd", { ["postmortem.yaml"] = T.read(T.example .. "/mistakes.postmortem.yaml") })
  local _, client = T.open(dir .. "/postmortem.yaml")
  T.eq(wrapper, client.config.cmd[1], "cmd")
  T.ok(vim.uv.fs_stat(marker), "the wrapper started the server")
  T.eq(dir, client.root_dir, "root: the folder with .git")
end)

T.test("the help file has its tags", function()
  local doc = T.tmp .. "/doc"
  vim.fn.mkdir(doc, "p")
  T.write(doc .. "/postmortem.txt", T.read(T.repo .. "/editors/nvim/doc/postmortem.txt"))
  vim.cmd("helptags " .. vim.fn.fnameescape(doc))
  local tags = T.read(doc .. "/tags")
  for _, tag in ipairs({ "postmortem.txt", "postmortem-setup", "postmortem.setup()", ":PostmortemDraft", ":PostmortemLowConfidence", "postmortem-health" }) do
    T.ok(tags:find("\n" .. vim.pesc(tag) .. "\t") or tags:find("^" .. vim.pesc(tag) .. "\t"), "tag " .. tag)
  end
end)

T.run()
