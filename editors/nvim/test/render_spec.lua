-- :PostmortemPreview (HTML in a temporary file, opened with vim.ui.open) and
-- :PostmortemRender md (Markdown in a split), rendered by the server from the
-- buffer as it is, saved or not.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

T.setup({})

T.test(":PostmortemRender completes its formats", function()
  T.eq({ "html", "md" }, vim.fn.getcompletion("PostmortemRender ", "cmdline"))
  T.eq(2, vim.fn.exists(":PostmortemPreview"))
end)

T.test(":PostmortemPreview writes the HTML and opens it; an unsaved edit shows", function()
  local doc = T.read(T.example .. "/postmortem.yaml")
  local dir = T.workspace("preview", { ["postmortem.yaml"] = doc })
  local buf = T.open(dir .. "/postmortem.yaml")
  local opened = {}
  local real_open = vim.ui.open
  vim.ui.open = function(path) -- a test double of vim.ui.open: records, opens nothing
    table.insert(opened, path)
    return nil, nil
  end
  vim.cmd("PostmortemPreview")
  local path = T.wait("vim.ui.open to be called", function()
    return opened[1]
  end)
  T.ok(path:match("%.html$"), "an .html file: " .. path)
  local html = T.read(path)
  T.contains(html, "<!DOCTYPE html>")
  T.contains(html, "<h1>INC-2026-0412")
  T.contains(html, '<svg class="timeline-chart"')
  T.contains(html, "chat.log L13</span>")
  T.ok(not html:lower():find("<script", 1, true), "no script in the page")
  -- Edit without saving, preview again: the new text is in the new file.
  local l = T.find(buf, "id: INC-2026-0412")
  vim.api.nvim_buf_set_lines(buf, l, l + 1, false, { "  id: INC-2026-0412-NVIM" })
  vim.cmd("PostmortemPreview")
  local second = T.wait("a second preview", function()
    return opened[2]
  end)
  T.contains(T.read(second), "<h1>INC-2026-0412-NVIM")
  T.eq(doc, T.read(dir .. "/postmortem.yaml"), "the file on disk is untouched")
  vim.ui.open = real_open
end)

T.test(":PostmortemRender md opens the Markdown in a split", function()
  local doc = T.read(T.example .. "/postmortem.yaml")
  local dir = T.workspace("render-md", { ["postmortem.yaml"] = doc })
  local src = T.open(dir .. "/postmortem.yaml")
  local wins = #vim.api.nvim_tabpage_list_wins(0)
  vim.cmd("PostmortemRender md")
  local buf = T.wait("the Markdown split", function()
    local b = vim.api.nvim_get_current_buf()
    return b ~= src and vim.bo[b].filetype == "markdown" and b
  end)
  T.eq(wins + 1, #vim.api.nvim_tabpage_list_wins(0), "one more window")
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  T.eq("# Postmortem INC-2026-0412[^1]", lines[1])
  local text = table.concat(lines, "\n")
  T.contains(text, "```mermaid\ntimeline\n")
  T.contains(text, "| ID | Action | Owner | Due | Severity | Category | Success criteria |")
  T.contains(text, "[^1]: **report.md §1-2**")
  T.eq("nofile", vim.bo[buf].buftype)
end)

T.run()
