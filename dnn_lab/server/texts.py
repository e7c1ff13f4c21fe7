"""The words of the /dnn-lab page and its error answers, Chinese and English side by side.

Keys ``error.<code>`` explain each :class:`~dnn_lab.server.actions.ActionError`
code (and the path refusals of :mod:`dnn_lab.server.paths`).
"""

TEXTS = {
    "title": {"zh": "DNN Lab 实验室", "en": "DNN Lab"},
    "subtitle": {"zh": "一步一步搭建深度神经网络：作业、修复与进度",
                 "en": "Build a deep neural network step by step: assignments, repair and progress"},
    "language": {"zh": "界面语言", "en": "Page language"},
    "assignments": {"zh": "作业", "en": "Assignments"},
    "assignment": {"zh": "作业", "en": "assignment"},
    "languages": {"zh": "语言版本", "en": "languages"},
    "lang.zh": {"zh": "中文", "en": "Chinese"},
    "lang.en": {"zh": "英文", "en": "English"},
    "lang.both": {"zh": "中英双语", "en": "Chinese + English"},
    "folder": {"zh": "放到文件夹（相对于 Jupyter 根目录，留空即根目录）",
               "en": "Into folder (relative to the Jupyter root; empty for the root)"},
    "fresh": {"zh": "获取一份新的作业", "en": "Get a fresh copy"},
    "fresh.help": {"zh": "写入一份全新的学生版 notebook（取一个新文件名，绝不覆盖已有文件）以及它需要的辅助文件。",
                   "en": "Writes a new student notebook (under a new name, never overwriting a file) and the files it needs."},
    "fresh.done": {"zh": "已写入：", "en": "Written:"},
    "open": {"zh": "在 JupyterLab 中打开", "en": "Open in JupyterLab"},
    "repair": {"zh": "修复我的 notebook", "en": "Repair my notebook"},
    "repair.help": {"zh": "单元格被删掉、打乱或弄坏了？这里会生成一份新的学生版，并把你在各个练习里写的代码搬进去。原文件不会被修改。",
                    "en": "Cells deleted, shuffled or broken? This makes a new student version and moves the code you wrote for each exercise into it. Your original file is not changed."},
    "repair.path": {"zh": "notebook 路径（相对于 Jupyter 根目录）", "en": "Notebook path (relative to the Jupyter root)"},
    "repair.done": {"zh": "新的 notebook：", "en": "New notebook:"},
    "repair.moved": {"zh": "已搬入的答案", "en": "Answers moved in"},
    "repair.unchanged": {"zh": "还没有作答（保持原样）", "en": "Not answered yet (left as is)"},
    "repair.missing": {"zh": "没有找到的答案", "en": "Answers not found"},
    "none": {"zh": "无", "en": "none"},
    "progress": {"zh": "进度", "en": "Progress"},
    "progress.help": {"zh": "每次点击“检查”都会记录在 notebook 所在文件夹的 .dnn_lab/progress.json 中。",
                      "en": "Every Check click is recorded in .dnn_lab/progress.json next to the notebook."},
    "progress.refresh": {"zh": "刷新", "en": "Refresh"},
    "progress.empty": {"zh": "还没有检查记录。", "en": "No checks recorded yet."},
    "progress.folder": {"zh": "文件夹", "en": "folder"},
    "progress.notebooks": {"zh": "notebook", "en": "notebooks"},
    "exercise": {"zh": "练习", "en": "exercise"},
    "status": {"zh": "结果", "en": "result"},
    "failed_step": {"zh": "失败的步骤", "en": "failed step"},
    "hints": {"zh": "提示", "en": "hints"},
    "time": {"zh": "时间", "en": "time"},
    "passed": {"zh": "通过", "en": "passed"},
    "failed": {"zh": "未通过", "en": "failed"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "root": {"zh": "（根目录）", "en": "(root)"},
    "working": {"zh": "处理中…", "en": "Working…"},
    "error": {"zh": "出错了：", "en": "Error:"},
    # ---- error codes ------------------------------------------------------
    "error.bad_path": {"zh": "路径无效。", "en": "The path is not valid."},
    "error.absolute_path": {"zh": "请使用相对于 Jupyter 根目录的路径，不要用绝对路径。",
                            "en": "Use a path relative to the Jupyter root, not an absolute path."},
    "error.parent_path": {"zh": "路径中不能包含 “..”：只能访问 Jupyter 根目录以内的文件。",
                          "en": "The path may not contain '..': only files inside the Jupyter root are reachable."},
    "error.outside_root": {"zh": "这个路径（可能通过符号链接）指向了 Jupyter 根目录以外，已拒绝。",
                           "en": "This path leads outside the Jupyter root (perhaps through a symlink) and is refused."},
    "error.hidden_path": {"zh": "不能访问隐藏的文件或文件夹（名字以 “.” 开头）。",
                          "en": "Hidden files and folders (names starting with '.') are not reachable."},
    "error.not_found": {"zh": "找不到这个文件。", "en": "There is no such file."},
    "error.missing_path": {"zh": "请填写 notebook 的路径。", "en": "Please give the notebook's path."},
    "error.not_a_directory": {"zh": "这不是一个文件夹。", "en": "This is not a folder."},
    "error.not_a_notebook": {"zh": "这不是一个可以读取的 notebook（.ipynb）文件。",
                             "en": "This is not a notebook (.ipynb) that can be read."},
    "error.too_large": {"zh": "文件太大（超过 20 MB），不像是本作业的 notebook。",
                        "en": "The file is too large (over 20 MB) to be this assignment's notebook."},
    "error.unknown_assignment": {"zh": "没有这个作业。", "en": "There is no such assignment."},
    "error.unknown_language": {"zh": "这个作业没有这种语言版本。", "en": "This assignment has no such language version."},
    "error.no_free_name": {"zh": "找不到可用的新文件名，请稍后再试。", "en": "No free file name was found; please try again."},
    "error.bad_request": {"zh": "请求格式不正确（需要 JSON 对象）。", "en": "The request is malformed (a JSON object is expected)."},
    "error.request_too_large": {"zh": "请求太大。", "en": "The request is too large."},
    "error.internal": {"zh": "服务器内部错误，详情见 Jupyter 日志。", "en": "Internal error; see the Jupyter log."},
    "error.progress_unreadable": {"zh": "进度文件无法读取。", "en": "The progress file cannot be read."},
    "error.progress_too_large": {"zh": "进度文件太大。", "en": "The progress file is too large."},
}


def text(key, lang):
    """The text of ``key`` in 'zh', 'en', or 'both' (Chinese / English)."""
    entry = TEXTS[key]
    if lang == "both":
        return entry["zh"] if entry["zh"] == entry["en"] else f"{entry['zh']} / {entry['en']}"
    return entry[lang]
