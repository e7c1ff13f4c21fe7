"""The message catalog: every text the checks and renderers show, in Chinese
and English side by side, looked up by id with :func:`t`.

Ids: ``hint.<hint id>`` explains a hint (SPEC §3); ``msg.<id>`` is one failure
line with ``{placeholders}``; ``ui.<id>`` labels the widget, tables and pages.
A test fails when an id lacks a language or the two languages disagree on
placeholders.
"""
import os
import re
import string

LANGS = ("zh", "en", "both")

MESSAGES = {
    # ---- hints: what is probably wrong and how to fix it --------------------
    "hint.not_implemented": {
        "zh": "函数还没有实现：它返回了 None 或抛出了 NotImplementedError。请在 `# YOUR CODE STARTS HERE` 与 `# YOUR CODE ENDS HERE` 之间写代码，并确认最后有 return 语句。",
        "en": "The function is not implemented yet: it returned None or raised NotImplementedError. Write your code between `# YOUR CODE STARTS HERE` and `# YOUR CODE ENDS HERE` and make sure it ends with a return statement.",
    },
    "hint.exception": {
        "zh": "函数运行时出错：请看错误类型和出错的那一行。最常见的原因是 np.dot 两个参数的形状对不上，或变量名拼写错误。",
        "en": "The function raised an error: look at the error type and the line it points to. The usual causes are mismatched shapes (the two arguments of np.dot) or a misspelt name.",
    },
    "hint.timeout": {
        "zh": "函数在规定时间内没有返回，已被停止：检查循环的终止条件（例如 while 循环或 range 的参数）。",
        "en": "The function did not return in time and was stopped: check the loop conditions (a while loop, or the arguments of range).",
    },
    "hint.wrong_type": {
        "zh": "返回值的类型不对：对照函数说明里的返回结构，例如应返回元组 (Z, cache)、字典，或 numpy 数组。",
        "en": "The returned value has the wrong type: compare it with the return structure in the docstring, such as a tuple (Z, cache), a dict, or a numpy array.",
    },
    "hint.wrong_shape": {
        "zh": "形状不对：把每个量的形状写下来核对，W[l] 是 (n[l], n[l-1])，b[l] 是 (n[l], 1)，Z[l] 和 A[l] 是 (n[l], m)。",
        "en": "The shape is wrong: write down each shape and compare, W[l] is (n[l], n[l-1]), b[l] is (n[l], 1), Z[l] and A[l] are (n[l], m).",
    },
    "hint.wrong_value": {
        "zh": "形状正确，但数值不对：对照公式逐项检查，并确认用的是函数参数而不是其他变量。",
        "en": "The shape is right but the values are not: check the formula term by term, and make sure you use the function's arguments and nothing else.",
    },
    "hint.transposed": {
        "zh": "调换矩阵乘法的顺序或转置的位置：例如 dW = (1/m) dZ · A_prevᵀ，而不是 A_prev · dZᵀ。你的结果正好是期望值的转置。",
        "en": "Swap the order of the matrix product or move the transpose: dW = (1/m) dZ · A_prevᵀ, not A_prev · dZᵀ. Your result is exactly the transpose of the expected one.",
    },
    "hint.forgot_1_over_m": {
        "zh": "结果是期望值的 m 倍：忘了除以样本数 m，即 A_prev.shape[1]（或 dZ.shape[1]、Y.shape[1]）。",
        "en": "The result is m times the expected value: divide by the number of examples, m = A_prev.shape[1] (or dZ.shape[1], Y.shape[1]).",
    },
    "hint.wrong_sum_axis": {
        "zh": "沿 axis=1（按行）求和，并保留维度：np.sum(dZ, axis=1, keepdims=True)。你的求和用错了轴；db 要对每个神经元把 m 个样本加起来。",
        "en": "Sum along axis=1 (across each row) and keep the dimension: np.sum(dZ, axis=1, keepdims=True). Your sum runs over the wrong axis; db adds up the m examples for each unit.",
    },
    "hint.missing_keepdims": {
        "zh": "求和时加上 keepdims=True，让结果保持 (n, 1) 而不是 (n,)。少了这个维度，后面的广播和参数更新就会出错。",
        "en": "Add keepdims=True to the sum so the result stays (n, 1) instead of (n,). Without that dimension, broadcasting and the parameter update go wrong later.",
    },
    "hint.sign_error": {
        "zh": "结果与期望值只差一个负号。检查公式里的负号，例如 dAL = -(Y/AL - (1-Y)/(1-AL))、代价前的 -1/m，或更新时用减号 W - α·dW。",
        "en": "The result is the expected one with the opposite sign. Check the minus signs: dAL = -(Y/AL - (1-Y)/(1-AL)), the -1/m in front of the cost, the minus in W - α·dW.",
    },
    "hint.cost_not_scalar": {
        "zh": "代价应当是一个标量（0 维），而不是 (1, 1) 之类的数组。请保留模板中的 cost = np.squeeze(cost) 这一行，它会去掉多余的维度。",
        "en": "The cost must be a scalar (0-d), not an array such as (1, 1). Keep the template's cost = np.squeeze(cost) line, which drops the extra dimensions.",
    },
    "hint.wrong_activation": {
        "zh": "用错了激活函数：隐藏层用 relu，最后一层用 sigmoid；反向传播时也要对应地用 relu_backward / sigmoid_backward。",
        "en": "The wrong activation is used: hidden layers use relu, the last layer uses sigmoid; going backward use the matching relu_backward / sigmoid_backward.",
    },
    "hint.loop_bounds": {
        "zh": "层数不对：检查 range 的起点和终点，循环少做或多做了一层；L = len(parameters) // 2（或 len(layer_dims) - 1）。",
        "en": "The number of layers is off: check the start and end of range, the loop runs one layer too few or too many; L = len(parameters) // 2 (or len(layer_dims) - 1).",
    },
    "hint.wrong_init_scale": {
        "zh": "权重要乘以 0.01，让初始值足够小：练习 1 是 np.random.randn(n_h, n_x) * 0.01，练习 2 是 np.random.randn(layer_dims[l], layer_dims[l-1]) * 0.01（randn 把各个维度作为单独的参数接收）。",
        "en": "Scale the weights by 0.01 so the starting values are small: np.random.randn(n_h, n_x) * 0.01 in Exercise 1, np.random.randn(layer_dims[l], layer_dims[l-1]) * 0.01 in Exercise 2 (randn takes each dimension as a separate argument).",
    },
    "hint.wrong_keys": {
        "zh": "字典的键不对：键名要与说明完全一致，例如 'W1'、'b1'、'dA0'、'dW1'，可以写成 'W' + str(l) 或 f'W{{l}}'。",
        "en": "The dict keys are wrong: use exactly the names in the instructions, such as 'W1', 'b1', 'dA0', 'dW1' — 'W' + str(l) or f'W{{l}}' both work.",
    },
    "hint.mutates_inputs": {
        "zh": "函数原地修改了传入的参数：先拷贝再修改，例如 parameters = copy.deepcopy(params)，或写成 W = W - α·dW 而不是对原数组使用 -=。",
        "en": "The function changed an argument in place: copy before changing, e.g. parameters = copy.deepcopy(params), or write W = W - α·dW instead of -= on the caller's array.",
    },
    "hint.uses_globals": {
        "zh": "只使用函数参数，不要读取笔记本里的全局变量：这里碰巧能运行，但评分时输入不同就会出错。",
        "en": "Use only the function's arguments, not notebook variables: reading one happens to work here but fails in the grader, where the inputs differ.",
    },
    "hint.prints_output": {
        "zh": "（提醒）函数内部有 print 输出。检查仍然通过，但提交前请删除调试用的 print。",
        "en": "(Warning) The function prints output. The check still passes, but remove debugging prints before submitting.",
    },
    "hint.wrong_layer_input": {
        "zh": "这一层自己的计算没错，但收到的输入不对：看看这一行传进去的是哪个变量。第 l 层（l 从 1 数）前向要用上一层的输出 A[l-1]（第 1 层是 X），反向要用 dA[l] 和 caches[l-1]。在反向的循环里（l 从 0 数）就是 grads[\"dA\" + str(l + 1)] 和 caches[l]；第 L 层用局部变量 dAL。",
        "en": "This layer computes correctly but was handed the wrong input: look at what this call passes in. Counting layers from 1, layer l takes the previous layer's output A[l-1] going forward (X for layer 1), and dA[l] and caches[l-1] going backward. In the backward loop, whose l counts from 0, that is grads[\"dA\" + str(l + 1)] and caches[l]; layer L takes the local variable dAL.",
    },
    "hint.undefined_name": {
        "zh": "用到了一个此处不存在的名字：用提示的名字，或在使用前先给它赋值。多半是拼写错误、中途改了变量名，或调用了不存在的函数。",
        "en": "A name is used that does not exist at that point: use the suggested name, or assign the variable before using it. Usually it is a typo, a variable renamed halfway, or a helper that does not exist.",
    },
    "hint.function_missing": {
        "zh": "先运行定义那个函数的单元格，再检查这一个：它属于另一个练习，而这个练习要调用它。",
        "en": "Run the cell that defines that function first, then check this one again: it belongs to another exercise, and this one calls it.",
    },
    "hint.callee_wrong": {
        "zh": "先修好上面点名的那个函数，再检查这一个：它自身的检查没有通过，而这个练习调用了它。这个练习自己的代码可能没有错。",
        "en": "Fix the function named above first, then check this one again: it fails its own check, and this exercise calls it. This exercise's own code may well be right.",
    },
    "hint.loop_variable_scope": {
        "zh": "循环变量（例如 l）在循环外被使用：循环开始前它还不存在；循环一次都不执行时（例如 L = 1）它永远不会被赋值。在循环外用 L 来写下标，例如 caches[L-1]、'W' + str(L)。",
        "en": "A loop variable (such as l) is used outside its loop: before the loop it does not exist yet, and when the loop runs zero times (L = 1, say) it is never set. Outside the loop, index with L: caches[L-1], 'W' + str(L).",
    },
    "hint.partly_implemented": {
        "zh": "把仍是模板的部分补上：每一对 YOUR CODE STARTS HERE / ENDS HERE 之间都要写代码。函数只完成了一部分，还有一个分支或代码块仍是模板（raise NotImplementedError 或 pass）。",
        "en": "Fill in what is still the template: every YOUR CODE STARTS HERE / ENDS HERE region needs code. The function is only partly written; one branch or block is still the template (raise NotImplementedError or pass).",
    },
    "hint.missing_term": {
        "zh": "公式少了一项。交叉熵有两项：Y·log(AL) 和 (1−Y)·log(1−AL)；dAL 也有两项：Y/AL 和 (1−Y)/(1−AL)。两项都要写上。",
        "en": "A term of the formula is missing. The cross-entropy has two terms, Y·log(AL) and (1−Y)·log(1−AL); dAL has two as well, Y/AL and (1−Y)/(1−AL). Write both.",
    },
    "hint.extra_1_over_m": {
        "zh": "结果是期望值的 1/m：多除了一次 m。只有 dW 和 db 带 1/m（各一次）；dA_prev = Wᵀ·dZ、dAL、Z 和 A 都不除以 m。",
        "en": "The result is 1/m of the expected value: there is one division by m too many. Only dW and db carry 1/m (once each); dA_prev = Wᵀ·dZ, dAL, Z and A are not divided by m.",
    },
    # ---- failure lines ------------------------------------------------------
    "msg.not_implemented": {
        "zh": "`{fn}` 返回了 None（还是未完成的模板）。",
        "en": "`{fn}` returned None (it is still the stub).",
    },
    "msg.not_implemented_raised": {
        "zh": "`{fn}` 抛出了 NotImplementedError。",
        "en": "`{fn}` raised NotImplementedError.",
    },
    "msg.exception": {
        "zh": "`{fn}` 在第 {line} 行出错：{exc_type}: {exc_msg}\n    {code}",
        "en": "`{fn}` raised {exc_type} at line {line}: {exc_msg}\n    {code}",
    },
    "msg.timeout": {
        "zh": "`{fn}` 超过 {seconds} 秒没有返回，已停止。",
        "en": "`{fn}` did not return within {seconds} s and was stopped.",
    },
    "msg.wrong_type": {
        "zh": "{what}：期望类型 {expected}，得到 {got}。",
        "en": "{what}: expected type {expected}, got {got}.",
    },
    "msg.wrong_length": {
        "zh": "{what}：期望 {expected} 个元素，得到 {got} 个。",
        "en": "{what}: expected {expected} items, got {got}.",
    },
    "msg.wrong_shape": {
        "zh": "{what}：期望形状 {expected}，得到 {got}。",
        "en": "{what}: expected shape {expected}, got {got}.",
    },
    "msg.wrong_value": {
        "zh": "{what}：数值与期望不符（最大差 {diff}）。",
        "en": "{what}: values differ from the expected ones (largest difference {diff}).",
    },
    "msg.transposed": {
        "zh": "{what}：得到的是期望结果的转置（形状 {got}，期望 {expected}）。",
        "en": "{what}: got the transpose of the expected result (shape {got}, expected {expected}).",
    },
    "msg.forgot_1_over_m": {
        "zh": "{what}：结果是期望值的 {m} 倍（m = {m}）。",
        "en": "{what}: the result is {m} times the expected value (m = {m}).",
    },
    "msg.wrong_sum_axis": {
        "zh": "{what}：形状 {got}，期望 {expected}——求和的轴不对。",
        "en": "{what}: shape {got}, expected {expected} — summed over the wrong axis.",
    },
    "msg.missing_keepdims": {
        "zh": "{what}：形状 {got}，期望 {expected}——求和时丢掉了一个维度。",
        "en": "{what}: shape {got}, expected {expected} — the sum dropped a dimension.",
    },
    "msg.sign_error": {
        "zh": "{what}：符号相反。",
        "en": "{what}: the sign is flipped.",
    },
    "msg.cost_not_scalar": {
        "zh": "代价的形状是 {got}，应当是标量 ()。",
        "en": "The cost has shape {got}; it should be a scalar ().",
    },
    "msg.wrong_activation": {
        "zh": "{what}：应当使用 {expected}，但看起来用了 {got}。",
        "en": "{what}: expected {expected}, but {got} seems to have been used.",
    },
    "msg.loop_bounds": {
        "zh": "{what}：期望 {expected} 层，得到 {got} 层。",
        "en": "{what}: expected {expected} layers, got {got}.",
    },
    "msg.wrong_init_scale": {
        "zh": "{what}：数值是期望的 {factor} 倍——忘了乘以 0.01？",
        "en": "{what}: values are {factor} times the expected ones — missing the factor 0.01?",
    },
    "msg.wrong_keys": {
        "zh": "字典的键不对：缺少 {missing}；多出 {extra}。",
        "en": "Wrong dict keys: missing {missing}; unexpected {extra}.",
    },
    "msg.mutates_inputs": {
        "zh": "`{fn}` 原地修改了输入 {what}。",
        "en": "`{fn}` changed its input {what} in place.",
    },
    "msg.uses_globals": {
        "zh": "`{fn}` 读取了笔记本中的全局变量：{names}。",
        "en": "`{fn}` reads notebook variables: {names}.",
    },
    "msg.prints_output": {
        "zh": "`{fn}` 打印了输出：{sample}",
        "en": "`{fn}` printed: {sample}",
    },
    "msg.missing_bias": {
        "zh": "{what}：看起来没有加上 b。",
        "en": "{what}: b seems not to be added.",
    },
    "msg.not_updated": {
        "zh": "{what}：没有被更新（与输入相同）。",
        "en": "{what}: not updated (equal to the input).",
    },
    "msg.ignores_learning_rate": {
        "zh": "{what}：收到的学习率是固定的 {used}，而不是函数参数 learning_rate。",
        "en": "{what}: received a fixed learning rate of {used} instead of the learning_rate argument.",
    },
    "msg.wrong_seed": {
        "zh": "{what}：数值不同——是否删掉或改动了 np.random.seed，或改变了调用 randn 的顺序？",
        "en": "{what}: different values — was np.random.seed removed or changed, or the order of randn calls?",
    },
    "msg.cache_mismatch": {
        "zh": "{what}：缓存内容与期望不符（应当保存 {expected}）。",
        "en": "{what}: the cache does not hold what it should ({expected}).",
    },
    "msg.wrong_layer_input": {
        "zh": "第 {layer} 层收到的输入不对（{what}）。",
        "en": "Layer {layer} received the wrong input ({what}).",
    },
    "msg.layer_skipped": {
        "zh": "第 {layer} 层收到了第 {other} 层的参数 {what}：循环跳过或重复了某一层。",
        "en": "Layer {layer} received the parameters of layer {other} ({what}): the loop skips or repeats a layer.",
    },
    "msg.wrong_layer_cache": {
        "zh": "第 {layer} 层收到的是 caches[{index}]，它需要的是 caches[{needed}]。",
        "en": "Layer {layer} received caches[{index}]; it needs caches[{needed}].",
    },
    "msg.unreadable_value": {
        "zh": "返回值的结构出乎意料，检查器无法读取（{error}）。对照函数说明里的返回结构。",
        "en": "The returned value has a structure the checker cannot read ({error}). Compare it with the return structure in the docstring.",
    },
    "msg.exception_in": {
        "zh": "`{where}`（由 `{fn}` 调用）在第 {line} 行出错：{exc_type}: {exc_msg}\n    {code}",
        "en": "`{where}` (called by `{fn}`) raised {exc_type} at line {line}: {exc_msg}\n    {code}",
    },
    "msg.exception_helper": {
        "zh": "提供的函数 `{helper}` 出错：{exc_type}: {exc_msg}。它是由 `{where}` 第 {line} 行调用的，传进去的函数参数不对：\n    {code}",
        "en": "The provided function `{helper}` raised {exc_type}: {exc_msg}. It was called by `{where}` at line {line} with arguments it cannot use:\n    {code}",
    },
    "msg.layer_got_instead": {
        "zh": "第 {layer} 层的 {what} 收到的是 {got}，应当是 {expected}。",
        "en": "Layer {layer} received {got} as its {what}, instead of {expected}.",
    },
    "msg.key_misplaced": {
        "zh": "{what} 的值存到了 {got} 里，应当存在 {expected}。",
        "en": "The value of {what} is stored under {got}; it belongs under {expected}.",
    },
    "msg.key_missing": {
        "zh": "`{where}` 第 {line} 行读取的键 {key} 不存在，应当用 {expected}：\n    {code}",
        "en": "`{where}` line {line} reads the key {key}, which is not there; the key to use is {expected}:\n    {code}",
    },
    "msg.loop_variable_outside": {
        "zh": "`{where}` 第 {line} 行在第 {loop_line} 行的循环之外使用了循环变量 `{name}`：那里它只保留最后一次的值，所以这一行只对最后一层起作用。把这一行缩进到循环里面。",
        "en": "`{where}` line {line} uses the loop variable `{name}` outside the loop at line {loop_line}: there it only keeps its last value, so the line does its work for the last layer only. Indent it into the loop.",
    },
    "msg.no_return": {
        "zh": "`{fn}` 做了计算，却返回了 None：缺少 return 语句（或 return 放错了地方）。",
        "en": "`{fn}` computes but returns None: the return statement is missing (or in the wrong place).",
    },
    "msg.sign_error_term": {
        "zh": "{what}：{term} 这一项的符号反了。",
        "en": "{what}: the {term} term has the wrong sign.",
    },
    "msg.call_got_instead": {
        "zh": "`{callee}` 的函数参数 {what} 收到的是 {got}，应当是 {expected}。",
        "en": "`{callee}` received {got} as its {what}, instead of {expected}.",
    },
    "msg.key_not_stored": {
        "zh": "第 {layer} 层算出了 {what}，却没有把它存进 {expected}；反向传播接下来处理的那一层正是从那里读取它。",
        "en": "Layer {layer} computed {what} but never stored it as {expected}, where the layer that backward propagation handles next reads it.",
    },
    "msg.key_missing_plain": {
        "zh": "`{where}` 第 {line} 行读取的键 {key} 在那时还不存在：\n    {code}",
        "en": "`{where}` line {line} reads the key {key}, which does not exist at that point:\n    {code}",
    },
    "msg.function_missing": {
        "zh": "`{where}` 第 {line} 行调用的 `{name}` 还没有定义：它是练习 {number} 的函数，请先写好并运行它的单元格。\n    {code}",
        "en": "`{where}` line {line} calls `{name}`, which is not defined yet: it is the function of Exercise {number}; write it and run its cell first.\n    {code}",
    },
    "msg.function_missing_part1": {
        "zh": "`{where}` 第 {line} 行调用的 `{name}` 还没有定义：它是第一部分练习 {number} 的函数，请先运行载入第一部分的单元格（load_part1）。\n    {code}",
        "en": "`{where}` line {line} calls `{name}`, which is not defined yet: it is the function of Part 1's Exercise {number}; run the cell that loads Part 1 (load_part1) first.\n    {code}",
    },
    "msg.callee_wrong": {
        "zh": "这里调用的 `{callee}`（练习 {number}）自身没有通过检查：先修好它，再检查 `{fn}`。",
        "en": "`{callee}` (Exercise {number}), called here, fails its own check: fix it first, then check `{fn}` again.",
    },
    "msg.callee_wrong_part1": {
        "zh": "这里调用的 `{callee}`（第一部分练习 {number}）自身没有通过检查：在第一部分的笔记本里修好它并保存，再运行载入第一部分的单元格（load_part1）。",
        "en": "`{callee}` (Part 1, Exercise {number}), called here, fails its own check: fix it in the Part 1 notebook, save it, and run the cell that loads Part 1 (load_part1) again.",
    },
    "msg.undefined_name": {
        "zh": "`{where}` 第 {line} 行用到的 `{name}` 在此处没有定义：\n    {code}",
        "en": "`{where}` line {line} uses `{name}`, which is not defined there:\n    {code}",
    },
    "msg.undefined_name_suggest": {
        "zh": "`{where}` 第 {line} 行用到的 `{name}` 在此处没有定义——是不是想写 `{suggestion}`？\n    {code}",
        "en": "`{where}` line {line} uses `{name}`, which is not defined there — did you mean `{suggestion}`?\n    {code}",
    },
    "msg.uses_missing_global": {
        "zh": "`{where}` 第 {line} 行读取笔记本变量 `{name}`；评分时它不存在。改用函数参数。\n    {code}",
        "en": "`{where}` line {line} reads the notebook variable `{name}`, which does not exist where the function is graded. Use the function's arguments instead.\n    {code}",
    },
    "msg.loop_variable_scope": {
        "zh": "`{where}` 第 {line} 行在循环外使用了第 {loop_line} 行那个循环的变量 `{name}`（循环前它还不存在；循环一次都不执行时它没有值）：\n    {code}",
        "en": "`{where}` line {line} uses `{name}`, the variable of the loop at line {loop_line}, outside that loop (it does not exist before the loop, and has no value when the loop runs zero times):\n    {code}",
    },
    "msg.partly_implemented": {
        "zh": "`{where}`：{block} 这一部分（第 {line} 行）还是模板，其余部分已经写好。把它补上。",
        "en": "`{where}`: the part under {block} (line {line}) is still the template; the rest is written. Fill it in.",
    },
    "msg.missing_term": {
        "zh": "{what}：少了 {term} 这一项。",
        "en": "{what}: the {term} term is missing.",
    },
    "msg.missing_cost_term": {
        "zh": "{what}：只算了交叉熵两项中的一项（代码里只有一次 log）。",
        "en": "{what}: only one of the two cross-entropy terms is computed (the code takes log once).",
    },
    "msg.extra_1_over_m": {
        "zh": "{what}：结果是期望值的 1/{m}（m = {m}）——多除了一次 m。",
        "en": "{what}: the result is 1/{m} of the expected value (m = {m}) — divided by m once too often.",
    },
    # ---- specific hints for real students' mistakes (issues 20, 22) ------------
    "hint.zeros_shape_tuple": {
        "zh": "把形状作为一个元组传给 np.zeros，要写两层括号：np.zeros((n, 1))。写成 np.zeros(n, 1) 时，numpy 会把第二个参数 1 当作数据类型，于是抛出 TypeError。",
        "en": "Pass the shape to np.zeros as one tuple, with two pairs of parentheses: np.zeros((n, 1)). Written np.zeros(n, 1), numpy takes the second argument, 1, for the data type and raises a TypeError.",
    },
    "hint.elementwise_product": {
        "zh": "矩阵乘法用 np.dot(W, A)：`*` 是逐元素相乘，形状为 (n, k) 和 (k, m) 的两个矩阵用 `*` 相乘会出错，或者得到另一个结果。",
        "en": "Use np.dot(W, A) for the matrix product: `*` multiplies element by element, and two matrices of shapes (n, k) and (k, m) multiplied with `*` either fail or give something else.",
    },
    "hint.index_past_end": {
        "zh": "用 L - 1 取最后一个缓存：caches 有 L 个元素，下标是 0 到 L - 1，caches[L] 已经超出末尾。输出层（第 L 层）的缓存是 caches[L - 1]。",
        "en": "Index the last cache with L - 1: caches holds L items, numbered 0 to L - 1, so caches[L] is one past the end. The output layer's (layer L's) cache is caches[L - 1].",
    },
    "msg.zeros_shape_tuple": {
        "zh": "写成 {fix}：`{where}` 第 {line} 行把形状拆成了单独的参数，numpy 把第二个参数当成了数据类型：\n    {code}",
        "en": "Write {fix}: `{where}` line {line} passes the shape as separate arguments, and numpy reads the second one as the data type:\n    {code}",
    },
    "msg.elementwise_product": {
        "zh": "这个乘积要用 np.dot：`{where}` 第 {line} 行把形状为 {shapes} 的两个矩阵逐元素相乘（`*` 或 np.multiply），这两个形状无法逐元素相乘：\n    {code}",
        "en": "Use np.dot for this product: `{where}` line {line} multiplies matrices of shapes {shapes} element by element (`*` or np.multiply), which these shapes cannot do:\n    {code}",
    },
    "msg.elementwise_value": {
        "zh": "{what}：等于逐元素乘积 W * A + b；矩阵乘法要用 np.dot(W, A)。",
        "en": "{what}: equals the element-wise product W * A + b; the matrix product is np.dot(W, A).",
    },
    "msg.index_past_end": {
        "zh": "最后一个元素要用 {fix}：`{where}` 第 {line} 行读取 {seq}[{index}]，但 {seq} 只有 {n} 个元素，下标是 0 到 {last}：\n    {code}",
        "en": "Use {fix} for the last item: `{where}` line {line} reads {seq}[{index}], but {seq} holds {n} items, numbered 0 to {last}:\n    {code}",
    },
    "msg.key_numbering": {
        "zh": "键要按层编号，从 1 到 L：数值都对，但存在 {got} 这些键下，应当是 {expected}（第 1 层的 W 存在 {first_got}，应当存在 {first_expected}）。",
        "en": "Number the keys by layer, from 1 to L: the values are right but stored under {got} instead of {expected} (layer 1's W is under {first_got}; it belongs under {first_expected}).",
    },
    "msg.caches_single": {
        "zh": "返回由各层缓存组成的列表：caches 只是一个缓存（第 {layer} 层的），不是缓存的列表。先写 caches = []，每一层都调用 caches.append(…)。",
        "en": "Return a list of every layer's cache: caches is one single cache (layer {layer}'s), not a list of them. Start with caches = [] and call caches.append(…) for each layer.",
    },
    "msg.caches_flat": {
        "zh": "用 caches.append(…) 把每个缓存作为一个元素加入 caches：现在 caches 有 {got} 个元素，是各个缓存的组成部分并排放在一起，而不是 {expected} 个缓存。",
        "en": "Add each cache to caches as one item, with caches.append(…): caches has {got} items, the parts of the caches side by side, instead of {expected} caches.",
    },
    "msg.caches_empty": {
        "zh": "用 caches.append(…) 把每一层的缓存加入 caches：返回的 caches 是空的，应当有 {expected} 个缓存。",
        "en": "Append each layer's cache to caches with caches.append(…): the caches returned are empty, and {expected} were expected.",
    },
    "msg.caches_not_list": {
        "zh": "把 caches 写成列表 caches = []，再用 caches.append(…) 把每一层的缓存加进去：现在它是 {got}，而 L_model_backward 要用 caches[l] 来读取它。",
        "en": "Make caches a list, caches = [], and add each layer's cache with caches.append(…): it is a {got}, and L_model_backward reads it as caches[l].",
    },
    "msg.layer_wrong_activation": {
        "zh": "第 {layer} 层：应当使用 {expected}，但看起来用了 {got}。",
        "en": "Layer {layer}: expected {expected}, but {got} seems to have been used.",
    },
    "msg.key_numbering_line": {
        "zh": "这一行的键要用同一个层号：`{where}` 第 {line} 行把 {keys} 放在一起用了：\n    {code}",
        "en": "Number every key of this line with the same layer: `{where}` line {line} combines {keys}:\n    {code}",
    },
    "msg.key_read_before_written": {
        "zh": "这里要读取 {expected}，也就是后一层的 dA：`{where}` 第 {line} 行读取的 {key} 要等这一层算完才会存进去：\n    {code}",
        "en": "Read {expected} here, the dA of the layer after this one: `{where}` line {line} reads {key}, which is stored only once this layer is computed:\n    {code}",
    },
    "msg.append_result_kept": {
        "zh": "把 {name}.append(…) 单独写成一行，不要把结果赋回 {name}：append 直接修改列表并返回 None，所以 `{where}` 第 {line} 行之后 {name} 就变成了 None：\n    {code}",
        "en": "Write {name}.append(…) on a line of its own, without assigning its result to {name}: append changes the list and returns None, so after `{where}` line {line} {name} is None:\n    {code}",
    },
    "msg.caches_none": {
        "zh": "单独调用 caches.append(…)，不要写 caches = caches.append(…)：返回的 caches 是 None，而 append 的返回值正是 None。",
        "en": "Call caches.append(…) on its own, not caches = caches.append(…): the caches returned are None, which is what append returns.",
    },
    "msg.layer_call_got_instead": {
        "zh": "第 {layer} 层：`{callee}` 的函数参数 {what} 收到的是 {got}，应当是 {expected}。",
        "en": "Layer {layer}: `{callee}` received {got} as its {what}, instead of {expected}.",
    },
    # ---- Part 2 (application): hints, failure lines, helpers' labels ------------
    "hint.cost_not_decreasing": {
        "zh": "把 update_parameters 的返回值重新赋给 parameters：它返回一个新字典，下一次迭代才会用到新参数。代价一直不变，很可能就是丢掉了这个返回值。",
        "en": "Assign the result of update_parameters back to parameters: it returns a new dict, and without that the next iteration keeps using the old parameters. The cost never moves, so that result is probably discarded.",
    },
    "hint.wrong_cost_interval": {
        "zh": "costs 记录的次数不对。每 100 次迭代记录一次（i % 100 == 0），另外最后一次迭代（i == num_iterations - 1）也要记录。",
        "en": "The costs are recorded at the wrong iterations. Record one every 100 iterations (i % 100 == 0) and also the last one (i == num_iterations - 1).",
    },
    "hint.ignores_learning_rate": {
        "zh": "把本函数的参数 learning_rate 传给 update_parameters，不要写固定的学习率：调用方式是 update_parameters(parameters, grads, learning_rate)。",
        "en": "Pass this function's learning_rate argument to update_parameters instead of a fixed learning rate: update_parameters(parameters, grads, learning_rate).",
    },
    "hint.wrong_initializer": {
        "zh": "用错了初始化函数。两层模型用 initialize_parameters(n_x, n_h, n_y)；L 层模型用已提供的 initialize_parameters_deep_scaled(layers_dims)（种子 1，按 1/√n[l-1] 缩放），而不是第一部分 ×0.01 的 initialize_parameters_deep。",
        "en": "The wrong initializer is used. The two-layer model uses initialize_parameters(n_x, n_h, n_y); the L-layer model uses the provided initialize_parameters_deep_scaled(layers_dims) (seed 1, scaled by 1/√n[l-1]), not Part 1's ×0.01 initialize_parameters_deep.",
    },
    "hint.wrong_return_structure": {
        "zh": "返回结构不对。模型函数返回二元组 (parameters, costs)：先是参数字典，再是代价列表；predict 返回形状为 (1, m) 的预测数组。",
        "en": "The return structure is wrong. The model functions return the pair (parameters, costs): the parameter dict first, then the list of costs; predict returns the predictions as an array of shape (1, m).",
    },
    "hint.wrong_threshold": {
        "zh": "预测的阈值不对。概率大于 0.5 预测为 1，否则为 0（恰好 0.5 时为 0）：比较 probas > 0.5 得到布尔数组，再用 .astype(int) 变成 0/1。",
        "en": "The prediction threshold is off. A probability above 0.5 becomes 1, anything else 0 (exactly 0.5 gives 0): the comparison probas > 0.5 gives a boolean array, and .astype(int) turns it into 0s and 1s.",
    },
    "hint.accuracy_not_mean": {
        "zh": "准确率请用平均值计算：np.mean(p == y)。把 m 个 1/m 相加会带来舍入误差（例如 0.9999999999999998 而不是 1.0）。",
        "en": "Compute the accuracy as a mean: np.mean(p == y). Adding up m terms of 1/m accumulates rounding errors (0.9999999999999998 instead of 1.0, for example).",
    },
    "msg.update_discarded": {
        "zh": "{what}：第 2 次迭代时传给 update_parameters 的仍是初始参数——更新后的字典没有被保存下来。",
        "en": "{what}: at iteration 2, update_parameters still receives the initial parameters — the updated dict was not kept.",
    },
    "msg.cost_constant": {
        "zh": "在 {n} 次迭代中代价始终是 {cost}，没有变化。",
        "en": "The cost stayed at {cost} for all {n} iterations.",
    },
    "msg.wrong_iteration_count": {
        "zh": "{what} 被调用了 {got} 次，而 num_iterations = {expected}。",
        "en": "{what} was called {got} times for num_iterations = {expected}.",
    },
    "msg.costs_every_iteration": {
        "zh": "costs 有 {got} 个元素（共 {n} 次迭代）：每次迭代都记录了代价，应当每 100 次记录一次，再加上最后一次。",
        "en": "costs has {got} entries for {n} iterations: the cost was recorded at every iteration instead of every 100 iterations plus the last one.",
    },
    "msg.costs_missing_final": {
        "zh": "costs 有 {got} 个元素，期望 {expected} 个：缺少最后一次迭代（第 {last} 次）的代价。",
        "en": "len(costs) is {got}, expected {expected}: the cost of the last iteration ({last}) is missing.",
    },
    "msg.wrong_cost_count": {
        "zh": "costs：期望 {expected} 个元素（迭代 {iters}），得到 {got} 个。",
        "en": "costs: expected {expected} entries (iterations {iters}), got {got}.",
    },
    "msg.wrong_initializer": {
        "zh": "{what}：初始参数看起来来自 {got}；这个模型应当使用 {expected}。",
        "en": "{what}: the initial parameters look like those of {got}; this model needs {expected}.",
    },
    "msg.wrong_return_structure": {
        "zh": "返回值应为 {expected}，得到 {got}。",
        "en": "The function should return {expected}; it returned {got}.",
    },
    "msg.wrong_threshold": {
        "zh": "{what}：在概率恰好为 0.5 的位置预测不对——用 > 0.5，0.5 预测为 0。",
        "en": "{what}: wrong where the probability is exactly 0.5 — use > 0.5, so 0.5 is predicted as 0.",
    },
    "msg.not_binary": {
        "zh": "{what}：只能包含 0 和 1，却出现了其他数值（是不是返回了概率？）。",
        "en": "{what}: must hold only 0 and 1 but has other values (are these the probabilities?).",
    },
    "msg.accuracy_not_printed": {
        "zh": "`{fn}` 应当打印准确率（例如 Accuracy: 0.8），但没有打印任何数字。",
        "en": "`{fn}` should print the accuracy (such as Accuracy: 0.8) but printed no number.",
    },
    "msg.accuracy_not_mean": {
        "zh": "打印的准确率是 {got}，np.mean(p == y) 得到的是 {expected}。",
        "en": "The printed accuracy is {got}; np.mean(p == y) gives {expected}.",
    },
    "msg.wrong_accuracy": {
        "zh": "打印的准确率是 {got}，期望 {expected}。",
        "en": "The printed accuracy is {got}, expected {expected}.",
    },
    "ui.iteration": {"zh": "迭代", "en": "iteration"},
    "ui.cost": {"zh": "代价", "en": "cost"},
    "ui.training_done": {
        "zh": "训练完成：{n} 次迭代，用时 {seconds} 秒，最终代价 {cost}",
        "en": "Training done: {n} iterations in {seconds} s, final cost {cost}",
    },
    "ui.part1_loaded": {
        "zh": "已从 {path} 载入你在第一部分写的 {n} 个函数，全部通过检查。",
        "en": "Loaded the {n} functions you wrote in Part 1 from {path}; all pass their checks.",
    },
    "ui.part1_some_failed": {
        "zh": "已从 {path} 载入你在第一部分写的函数，但下面这些没有通过检查：",
        "en": "Loaded the functions you wrote in Part 1 from {path}, but these do not pass their checks:",
    },
    "ui.part1_missing": {
        "zh": "{path} 中没有定义这些函数：{names}。",
        "en": "These functions are not defined in {path}: {names}.",
    },
    "ui.part1_not_written": {
        "zh": "第一部分还没有完成：{path} 中还有 {n} 个函数没有写：{names}。请先在第一部分完成并检查它们，保存后再运行这个单元格。",
        "en": "Part 1 is not finished: {n} functions in {path} are not written yet: {names}. Finish and check them "
              "in Part 1, save it, then run this cell again.",
    },
    "ui.image_not_found": {
        "zh": "找不到图片 {path}（在文件夹 {folder} 里找过）：请把图片上传到这个笔记本所在的文件夹，并把 my_image 设为它的文件名，例如 my_image = \"my_shirt.jpg\"。",
        "en": "No picture {path} (looked in the folder {folder}): upload it to this notebook's folder and set "
              "my_image to its file name, for example my_image = \"my_shirt.jpg\".",
    },
    "ui.part1_cell_error": {
        "zh": "第一部分笔记本的第 {cell} 个单元格无法执行（{error}），其中的函数没有载入。",
        "en": "Cell {cell} of the Part 1 notebook cannot be run ({error}); its functions were not loaded.",
    },
    "ui.part1_fix": {
        "zh": "请在第一部分的笔记本里修正它们并保存，然后重新运行这个单元格。在此之前，下面的训练结果和检查都可能不对。",
        "en": "Fix them in the Part 1 notebook, save it, and run this cell again. Until then the training results and checks below may be wrong.",
    },
    "ui.part1_not_found": {
        "zh": "找不到第一部分的笔记本 step_by_step.ipynb。已查找：\n{paths}\n请把它放到上面的某个位置，或者写明路径：load_part1(\"路径/step_by_step.ipynb\")。",
        "en": "Cannot find the Part 1 notebook step_by_step.ipynb. Looked in:\n{paths}\nPut it in one of these places, or give its path: load_part1(\"path/to/step_by_step.ipynb\").",
    },
    "ui.part1_unreadable": {
        "zh": "无法读取第一部分的笔记本 {path}：{error}",
        "en": "Cannot read the Part 1 notebook {path}: {error}",
    },
    "ui.cost_curve": {"zh": "代价曲线", "en": "Cost curve"},
    "ui.learning_rate": {"zh": "学习率", "en": "learning rate"},
    "ui.iterations": {"zh": "迭代次数", "en": "iterations"},
    "ui.true_label": {"zh": "真实", "en": "true"},
    "ui.predicted_label": {"zh": "预测", "en": "predicted"},
    "ui.mislabeled_title": {
        "zh": "分错的测试图片：{n} 张（共 {m} 张）",
        "en": "Misclassified test images: {n} of {m}",
    },
    "ui.no_mislabeled": {"zh": "没有分错的图片。", "en": "No image is misclassified."},
    "ui.model": {"zh": "模型", "en": "model"},
    "ui.train_accuracy": {"zh": "训练集准确率", "en": "train accuracy"},
    "ui.test_accuracy": {"zh": "测试集准确率", "en": "test accuracy"},
    "ui.examples_title": {"zh": "训练集中的样本", "en": "Training examples"},
    "ui.class_shirt": {"zh": "衬衫", "en": "shirt"},
    "ui.class_not_shirt": {"zh": "不是衬衫", "en": "not shirt"},
    "ui.image_original": {"zh": "原图", "en": "original"},
    "ui.image_model_input": {"zh": "模型的输入（28×28）", "en": "model input (28×28)"},
    "ui.own_image_result": {
        "zh": "模型认为这张图片是“{label}”（是衬衫的概率 {proba}）。",
        "en": "The model says this picture is \"{label}\" (probability of a shirt: {proba}).",
    },
    "ui.image_unreadable": {
        "zh": "无法读取图片 {source}：{error}",
        "en": "Cannot read the image {source}: {error}",
    },
    # ---- user interface -------------------------------------------------------
    "ui.check": {"zh": "检查", "en": "Check"},
    "ui.checking": {"zh": "检查中…", "en": "Checking…"},
    "ui.passed_all": {
        "zh": "✓ `{fn}`：全部 {n} 个测试用例通过。",
        "en": "✓ `{fn}`: all {n} test cases passed.",
    },
    "ui.failed_at": {
        "zh": "✗ `{fn}`：在步骤“{step}”失败（{case}）。",
        "en": "✗ `{fn}`: failed at step {step} (case {case}).",
    },
    "ui.callee_wrong": {
        "zh": "✗ `{fn}`：错误出在你写的 `{callee}`（练习 {number}）里，而不是 `{fn}` 本身。",
        "en": "✗ `{fn}`: the mistake is in your `{callee}` (Exercise {number}), not in `{fn}` itself.",
    },
    "ui.callee_wrong_part1": {
        "zh": "✗ `{fn}`：错误出在你在第一部分写的 `{callee}`（练习 {number}）里，而不是 `{fn}` 本身。",
        "en": "✗ `{fn}`: the mistake is in the `{callee}` you wrote in Part 1 (Exercise {number}), not in `{fn}` itself.",
    },
    "ui.case": {"zh": "用例", "en": "case"},
    "ui.step": {"zh": "步骤", "en": "step"},
    "ui.result": {"zh": "结果", "en": "result"},
    "ui.expected": {"zh": "期望", "en": "expected"},
    "ui.got": {"zh": "得到", "en": "got"},
    "ui.hint": {"zh": "提示", "en": "hint"},
    "ui.warning": {"zh": "提醒", "en": "warning"},
    "ui.passed": {"zh": "通过", "en": "passed"},
    "ui.failed": {"zh": "失败", "en": "failed"},
    "ui.not_reached": {"zh": "未检查", "en": "not checked"},
    "ui.not_checked_yet": {"zh": "尚未检查", "en": "not checked yet"},
    "ui.exercise": {"zh": "练习", "en": "exercise"},
    "ui.progress": {"zh": "进度", "en": "Progress"},
    "ui.internal_error": {
        "zh": "检查器自身出错（不是你的错）：{error}",
        "en": "The checker itself failed (not your fault): {error}",
    },
    "ui.render_failed": {
        "zh": "检查器无法显示这份报告的说明文字（不是你的错），上面的练习、步骤和提示编号仍然有效。",
        "en": "The checker could not display this report's explanation (not your fault); the exercise, step and hint id above still hold.",
    },
    "ui.function_missing": {
        "zh": "在笔记本里找不到函数 `{fn}`：请先运行定义它的单元格。",
        "en": "No function `{fn}` in the notebook: run the cell that defines it first.",
    },
    "ui.static_note": {
        "zh": "（评分模式：只显示静态结果）",
        "en": "(grading mode: static output only)",
    },
    "ui.tests_passed": {"zh": "全部测试通过", "en": "All tests passed"},
    # ---- widget, report renderers and progress view (issue 3) ---------------
    "ui.details": {"zh": "说明", "en": "details"},
    "ui.diagram": {"zh": "计算图", "en": "computation diagram"},
    "ui.unknown_exercise": {
        "zh": "没有名为 `{name}` 的练习。可选的练习：{known}",
        "en": "There is no exercise called `{name}`. Known exercises: {known}",
    },
    "ui.progress_failed": {"zh": "在步骤“{step}”失败", "en": "failed at step {step}"},
    "ui.progress_summary": {
        "zh": "已通过 {passed} / {total} 个练习",
        "en": "{passed} of {total} exercises passed",
    },
    "ui.last_checked": {"zh": "最近检查", "en": "last checked"},
    # ---- the student's lab: versions, Run All, grouped feedback (issue 10) ---
    "ui.not_implemented_yet": {"zh": "○ `{fn}` 还没有实现。", "en": "○ `{fn}` is not implemented yet."},
    "ui.stub_not_implemented": {
        "zh": "{fn} 还没有实现（或还没写完：仍有模板部分），跳过这一步",
        "en": "{fn} is not implemented yet (or not finished: part of it is still the template); skipping this step",
    },
    "ui.status_not_implemented": {"zh": "还没有实现", "en": "not implemented yet"},
    "ui.status_missing": {"zh": "请先运行定义它的单元格", "en": "run the cell that defines it first"},
    "ui.status_cell_failed": {"zh": "单元格运行失败：{exc_type}", "en": "its cell failed: {exc_type}"},
    "ui.found_in": {
        "zh": "出现在：{steps}；共 {n} 个用例：{cases}",
        "en": "found in: {steps}; {n} case(s) ({cases})",
    },
    "ui.show_details": {"zh": "详情：每个用例", "en": "details: each case"},
    "ui.version": {
        "zh": "检查的版本：In [{count}]，{time} 运行",
        "en": "checked the version run in In [{count}] at {time}",
    },
    "ui.version_count": {"zh": "检查的版本：In [{count}]", "en": "checked the version run in In [{count}]"},
    "ui.version_untracked": {
        "zh": "检查的版本：当前名为 `{fn}` 的函数（不是由单元格运行定义的）",
        "en": "checked the function now called `{fn}` (not defined by a cell run)",
    },
    "ui.checked_at": {"zh": "检查于 {time}", "en": "checked at {time}"},
    "ui.cell_failed": {
        "zh": "✗ `{fn}`：定义它的单元格最近一次运行失败（{exc_type}）。",
        "en": "✗ `{fn}`: the last run of its cell failed ({exc_type}).",
    },
    "ui.cell_changed": {
        "zh": "✗ `{fn}`：定义它的单元格在最近一次运行后被修改过：请先运行该单元格。",
        "en": "✗ `{fn}`: its cell was changed after its last run: run the cell first.",
    },
    "ui.status_cell_changed": {"zh": "单元格改过后还没运行：请先运行它", "en": "this cell changed since it ran: run it first"},
    "msg.cell_changed": {
        "zh": "保存的笔记本中，定义 `{fn}` 的单元格与最近一次运行的版本（In [{count}]）不同。"
              "内核里仍是旧的函数：请先运行该单元格（Shift+Enter），再点检查。",
        "en": "In the saved notebook, the cell that defines `{fn}` differs from the version last run "
              "(In [{count}]). The kernel still has the old function: run the cell first (Shift+Enter), "
              "then click Check.",
    },
    "msg.cell_edited": {
        "zh": "定义 `{fn}` 的单元格在最近一次运行（In [{count}]）之后被修改过（包括尚未保存的修改）。"
              "内核里仍是旧的函数，所以这次没有检查：请先运行该单元格（Shift+Enter），再点检查。",
        "en": "The cell that defines `{fn}` changed since it last ran (In [{count}]), unsaved edits included. "
              "The kernel still has the old function, so nothing was checked: run the cell first (Shift+Enter), "
              "then click Check.",
    },
    "msg.cell_failed": {
        "zh": "定义 `{fn}` 的单元格最近一次运行（In [{count}]）失败：{exc_type}: {exc_msg}（第 {line} 行）。"
              "检查的是这次运行，而不是旧的函数：请修正后重新运行该单元格。",
        "en": "The last run of the cell that defines `{fn}` (In [{count}]) failed: {exc_type}: {exc_msg} "
              "(line {line}). The Check reports that run, not the old function: fix it and run the cell again.",
    },
    "ui.not_connected": {
        "zh": "⚠ 这个按钮没有连接到内核（内核已重启，或笔记本是重新打开的）：请重新运行本单元格（Shift+Enter）。",
        "en": "⚠ This button is not connected to a kernel (the kernel restarted, or the notebook was reopened): "
              "run this cell again (Shift+Enter).",
    },
    "ui.time_limit": {"zh": "时间限制：每个用例 {seconds} 秒", "en": "time limit: {seconds} s per case"},
    "ui.diagram_line": {"zh": "第 {line} 行", "en": "line {line}"},
    "ui.diagram_keys": {"zh": "缺少：{missing} · 多出：{extra}", "en": "missing: {missing} · extra: {extra}"},
    "ui.diagram_timeout": {"zh": "超时 {seconds} 秒", "en": "timeout {seconds} s"},
    # ---- dnn-lab check (dnn_lab/check_cli.py) -------------------------------
    "cli.check.missing": {"zh": "找不到文件 {path}", "en": "no such file: {path}"},
    "cli.check.is_dir": {"zh": "{path} 是文件夹，请给出 .ipynb 文件", "en": "{path} is a folder; give a .ipynb file"},
    "cli.check.unreadable": {"zh": "无法读取 {path}（{error}）", "en": "cannot read {path} ({error})"},
    "cli.check.bad_json": {
        "zh": "{path} 不是有效的 JSON（第 {line} 行附近损坏）",
        "en": "{path} is not valid JSON (broken near line {line})",
    },
    "cli.check.not_notebook": {"zh": "{path} 不是 Jupyter 笔记本", "en": "{path} is not a Jupyter notebook"},
    "cli.check.unknown_exercise": {
        "zh": "没有名为 {name} 的练习（可选：{known}）",
        "en": "there is no exercise called {name} (known: {known})",
    },
    "cli.check.no_functions": {
        "zh": "{path} 中没有找到需要完成的函数",
        "en": "no graded functions found in {path}",
    },
    "cli.check.cell_error": {"zh": "单元格 {cell} 无法运行：{error}", "en": "cell {cell} does not run: {error}"},
    "cli.check.part1": {
        "zh": "第一部分的函数（{n}/{total} 个）取自 {path}，和笔记本里的 load_part1() 一样。",
        "en": "Part 1 functions ({n} of {total}) taken from {path}, as the notebook's load_part1() does.",
    },
    "cli.check.summary": {"zh": "{passed}/{total} 个函数通过", "en": "{passed}/{total} functions passed"},
    # ---- dnn-lab lab (dnn_lab/lab.py) ---------------------------------------
    "lab.wrote": {"zh": "已写入 {path}", "en": "wrote {path}"},
    "lab.keeping": {"zh": "保留你已有的笔记本 {path}", "en": "keeping your notebook {path}"},
    "lab.cannot_prepare": {"zh": "无法准备工作文件夹 {dir}：{error}", "en": "cannot prepare {dir}: {error}"},
    "lab.port_taken": {"zh": "端口 {port} 已被占用，改用 {other}", "en": "port {port} is taken; using {other}"},
    "lab.no_port": {"zh": "找不到可用的端口，JupyterLab 没有启动", "en": "no free port found; JupyterLab did not start"},
    "lab.ready_notebook": {"zh": "笔记本", "en": "notebook"},
    "lab.ready_page": {"zh": "DNN 实验室页面", "en": "DNN Lab page"},
    "lab.stop": {"zh": "按 Ctrl-C 停止", "en": "stop with Ctrl-C"},
    "lab.not_answering": {"zh": "服务器没有响应：{url}", "en": "the server does not answer: {url}"},
    "lab.log_file": {"zh": "Jupyter 的日志写在 {path}（加 --verbose 则显示在终端）",
                     "en": "Jupyter's log goes to {path} (--verbose shows it here)"},
    # ---- command-line help (dnn-lab lab --help: in its --lang, else $DNN_LAB_LANG, else both) ----
    "cli.help.usage": {"zh": "用法：", "en": "usage:"},
    "cli.help.positionals": {"zh": "位置参数", "en": "positional arguments"},
    "cli.help.options": {"zh": "选项", "en": "options"},
    "cli.help.help": {"zh": "显示本帮助并退出", "en": "show this help and exit"},
    "cli.help.main": {
        "zh": "dnn-lab 命令：启动实验（lab）、检查笔记本（check），以及讲师的课程与评分命令。",
        "en": "The dnn-lab command: start the lab (lab), check a notebook (check), and the instructor's course "
              "and grading commands.",
    },
    "cli.help.main.lab": {"zh": "准备工作文件夹并启动 JupyterLab", "en": "prepare a workspace and start JupyterLab"},
    "cli.help.main.check": {"zh": "对笔记本中的函数运行公开检查", "en": "run the public checks on the functions of a notebook"},
    "cli.help.lab": {
        "zh": "准备工作文件夹（两个作业笔记本及其所需文件），然后在本机启动 JupyterLab 并打开第一部分。",
        "en": "Prepare a workspace folder (the two assignment notebooks and the files they need), then start "
              "JupyterLab on this computer with Part 1 open.",
    },
    "cli.help.lab.dir": {
        "zh": "工作文件夹，不存在时自动创建（默认：./dnn-lab）；已有的笔记本会保留，不会被覆盖",
        "en": "workspace folder, created if needed (default: ./dnn-lab); an existing notebook is kept, "
              "never overwritten",
    },
    "cli.help.lab.lang": {
        "zh": "语言：zh（中文）、en（英文）或 both（中英双语，默认）；决定新笔记本、终端提示、/dnn-lab 页面"
              "和本帮助的语言，zh 时 JupyterLab 的菜单也是中文",
        "en": "language: zh, en or both (the default); of new notebooks, the terminal lines, the /dnn-lab page "
              "and this help; with zh JupyterLab's menus are Chinese too",
    },
    "cli.help.lab.no_browser": {"zh": "不自动打开浏览器（网址会打印在终端）",
                                "en": "do not open a browser (the URL is printed)"},
    "cli.help.lab.port": {"zh": "端口（默认：任一空闲端口；端口被占用时改用下一个空闲端口）",
                          "en": "port (default: any free one; a busy port moves to the next free one)"},
    "cli.help.lab.verbose": {"zh": "在终端显示 Jupyter 的日志（默认写入工作文件夹里的 {log}）",
                             "en": "show Jupyter's log in the terminal (by default it goes to {log} in the workspace)"},
    "cli.needs_grading": {
        "zh": "dnn-lab {command} 需要评分工具（nbgrader）：请运行 pip install \"dnn-lab[grading]\"（讲师包 "
              "dnn-lab-course 会一并安装它们）。",
        "en": "dnn-lab {command} needs the grading tools (nbgrader): run pip install \"dnn-lab[grading]\" (the "
              "instructor package dnn-lab-course installs them too).",
    },
    "ui.graded_outside": {
        "zh": "`{fn}`：评分时在单独的进程中检查（这里不运行）。",
        "en": "`{fn}`: checked in a separate process when grading (not run here).",
    },
    # ---- the exchange and feedback safety (dnn_lab/exchange, grading/sanitize.py) -------------
    "exchange.refused.owner": {
        "zh": "拒收 {student} 的提交 {submission}：它声称属于 {student}，却是 {owner} 创建的",
        "en": "refused {student}'s submission {submission}: it claims to be {student}'s but was made by {owner}",
    },
    "exchange.refused.future": {
        "zh": "拒收 {student} 的提交 {submission}：时间戳 {timestamp} 在未来",
        "en": "refused {student}'s submission {submission}: its timestamp {timestamp} is in the future",
    },
    "exchange.refused.bad_timestamp": {
        "zh": "拒收 {student} 的提交 {submission}：时间戳 {timestamp} 无法识别",
        "en": "refused {student}'s submission {submission}: its timestamp {timestamp} cannot be read",
    },
    "exchange.refused.bad_name": {
        "zh": "拒收提交 {submission}：{student} 不是有效的用户名",
        "en": "refused the submission {submission}: {student} is not a valid user name",
    },
    "exchange.refused.no_such_user": {
        "zh": "拒收提交 {submission}：本机没有用户 {student}",
        "en": "refused the submission {submission}: there is no user {student} on this machine",
    },
    "exchange.refused.not_a_folder": {
        "zh": "拒收 {student} 的提交 {submission}：它不是文件夹（可能是符号链接）",
        "en": "refused {student}'s submission {submission}: it is not a folder (a symbolic link?)",
    },
    "exchange.refused.symlink": {
        "zh": "拒收 {student} 的提交 {submission}：{file} 是符号链接（不会跟随链接）",
        "en": "refused {student}'s submission {submission}: {file} is a symbolic link (links are never followed)",
    },
    "exchange.refused.not_a_file": {
        "zh": "拒收 {student} 的提交 {submission}：{file} 不是普通文件",
        "en": "refused {student}'s submission {submission}: {file} is not a regular file",
    },
    "exchange.refused.file_owner": {
        "zh": "拒收 {student} 的提交 {submission}：{file} 属于 {owner}，不属于 {student}",
        "en": "refused {student}'s submission {submission}: {file} belongs to {owner}, not to {student}",
    },
    "exchange.refused.unreadable": {
        "zh": "拒收 {student} 的提交 {submission}：{file} 无法读取",
        "en": "refused {student}'s submission {submission}: {file} cannot be read",
    },
    "exchange.refused.too_big": {
        "zh": "拒收 {student} 的提交 {submission}：{file} 超过上限（{size} 字节，上限 {limit}）",
        "en": "refused {student}'s submission {submission}: {file} is too big ({size} bytes, limit {limit})",
    },
    "exchange.refused.slow": {
        "zh": "拒收 {student} 的提交 {submission}：读取超过 {seconds} 秒",
        "en": "refused {student}'s submission {submission}: reading it took more than {seconds} s",
    },
    "exchange.refused.no_notebook": {
        "zh": "拒收 {student} 的提交 {submission}：其中没有作业的笔记本（{expected}）",
        "en": "refused {student}'s submission {submission}: it holds none of the assignment's notebooks ({expected})",
    },
    "exchange.note.missing": {
        "zh": "{student} 的提交 {submission} 缺少 {files}",
        "en": "{student}'s submission {submission} lacks {files}",
    },
    "exchange.note.extra": {
        "zh": "{student} 的提交 {submission}：另有 {count} 个文件不属于作业，未收取（只收笔记本）",
        "en": "{student}'s submission {submission}: {count} other files are not part of the assignment and were left out (only notebooks are collected)",
    },
    "exchange.note.backdated": {
        "zh": "{student} 的提交 {submission}：声称的时间 {claimed} 早于文件的修改时间 {changed}，按 {changed} 计",
        "en": "{student}'s submission {submission}: the claimed time {claimed} is before its files changed ({changed}); {changed} counts",
    },
    "exchange.layout.no_root": {
        "zh": "交换目录 {path} 不存在：请联系教师",
        "en": "the exchange {path} does not exist: ask your instructor",
    },
    "exchange.layout.root_not_sticky": {
        "zh": "交换目录 {path} 人人可写却没有粘滞位（权限 {mode}）：学生可以改名或替换课程文件夹。请管理员运行 `chmod 1777 {path}`",
        "en": "the exchange {path} is writable by everyone without the sticky bit (mode {mode}): a student could rename or replace the course folder. Ask the administrator to run `chmod 1777 {path}`",
    },
    "exchange.layout.wrong_owner": {
        "zh": "{path} 属于 {owner}，应属于教师 {expected}：可能被人替换过，不使用它。请教师检查后运行 `nbgrader release_assignment`",
        "en": "{path} belongs to {owner}, not to the instructor {expected}: it may have been replaced and is not used. The instructor should check it, then run `nbgrader release_assignment`",
    },
    "exchange.layout.writable": {
        "zh": "{path} 可被其他用户写入（权限 {mode}）：请教师运行 `chmod 755 {path}`",
        "en": "{path} is writable by other users (mode {mode}): the instructor should run `chmod 755 {path}`",
    },
    "exchange.layout.inbound_not_sticky": {
        "zh": "{path} 人人可写却没有粘滞位（权限 {mode}）：学生可以改名或删除别人的提交。请教师运行 `chmod 3733 {path}`",
        "en": "{path} is writable by everyone without the sticky bit (mode {mode}): a student could rename or remove others' submissions. The instructor should run `chmod 3733 {path}`",
    },
    "exchange.layout.inbound_listable": {
        "zh": "{path} 可被所有人列出（权限 {mode}）：学生能看到别人的提交名。请教师运行 `chmod 3733 {path}`",
        "en": "{path} can be listed by everyone (mode {mode}): students see each other's submission names. The instructor should run `chmod 3733 {path}`",
    },
    "exchange.layout.not_a_folder": {
        "zh": "{path} 不是文件夹（可能是符号链接）：不使用它",
        "en": "{path} is not a folder (a symbolic link?): it is not used",
    },
    "exchange.layout.student_owns": {
        "zh": "课程的交换文件夹 {path} 属于你自己，而不是教师：不使用它。请联系教师",
        "en": "the course's exchange folder {path} belongs to you, not to the instructor: it is not used. Ask your instructor",
    },
    "feedback.active_removed": {
        "zh": "为安全起见，本笔记本中的脚本和可执行的 HTML 已被移除（{count} 处），显示的是其余内容。",
        "en": "For safety, scripts and active HTML were removed from this notebook ({count} places); the rest is shown.",
    },
    "feedback.foreign_cells": {
        "zh": "有 {count} 个单元格带有本作业不认识的评分信息（{cells}）：它们按普通单元格处理，其中的代码照常运行和评分。",
        "en": "{count} cells carried grading metadata this assignment does not know ({cells}): they were treated as ordinary cells; their code ran and was graded as usual.",
    },
    # ---- dnn-lab autograde (dnn_lab/autograde) ----------------------------
    "autograde.err.not_course": {
        "zh": "{dir} 不是 nbgrader 课程目录（没有 nbgrader_config.py）：请先运行 `dnn-lab course init`，再在课程目录里运行本命令。",
        "en": "{dir} is not an nbgrader course (no nbgrader_config.py): run `dnn-lab course init` first, then run this command in the course directory.",
    },
    "autograde.err.db": {
        "zh": "无法打开成绩库 {db}：{error}",
        "en": "cannot open the gradebook {db}: {error}",
    },
    "autograde.err.course_id": {
        "zh": "PostgreSQL 成绩库需要课程编号：请在 nbgrader_config.py 中加入 `c.CourseDirectory.course_id = \"你的课程\"`（nbgrader 的外键要求它）。",
        "en": "a PostgreSQL gradebook needs a course id: add `c.CourseDirectory.course_id = \"your_course\"` to nbgrader_config.py (nbgrader's foreign keys require it).",
    },
    "autograde.err.unknown_assignment": {
        "zh": "没有名为 {assignment} 的作业（source/ 和成绩库里都没有）。",
        "en": "there is no assignment {assignment} (neither in source/ nor in the gradebook).",
    },
    "autograde.err.not_generated": {
        "zh": "作业 {assignment} 不在成绩库 {db} 中：请先用同一个 db_url 运行 `nbgrader generate_assignment {assignment}`。",
        "en": "assignment {assignment} is not in the gradebook {db}: run `nbgrader generate_assignment {assignment}` with the same db_url first.",
    },
    "autograde.err.no_submissions": {
        "zh": "没有可评分的提交：{path} 不存在。",
        "en": "nothing to grade: no folder matches {path}.",
    },
    "autograde.err.no_student": {
        "zh": "学生 {student} 没有提交：找不到 {path}。",
        "en": "student {student} has no submission: {path} does not exist.",
    },
    "autograde.err.no_notebook": {
        "zh": "{path} 里没有 {notebook}（共 {count} 个学生文件夹如此）：请修正或移走这些文件夹后再运行。",
        "en": "{path} has no {notebook} ({count} student folder(s) like this): fix or move them away, then run again.",
    },
    "autograde.err.shard": {
        "zh": "--shard 应写成 K/N，且 1 ≤ K ≤ N，而不是 {value}。",
        "en": "--shard must be K/N with 1 ≤ K ≤ N, not {value}.",
    },
    "autograde.err.jobs": {
        "zh": "--jobs 至少为 1，而不是 {value}。",
        "en": "--jobs must be at least 1, not {value}.",
    },
    "autograde.start": {
        "zh": "待评分 {todo} 人，已评分跳过 {skipped} 人（--force 可重新评分）；{jobs} 个进程；成绩库 {db}",
        "en": "{todo} to grade, {skipped} already graded (--force regrades them); {jobs} workers; gradebook {db}",
    },
    "autograde.line.graded": {
        "zh": "[{done}/{total}] {student}：{score}/{max_score}（{seconds} 秒）",
        "en": "[{done}/{total}] {student}: {score}/{max_score} ({seconds} s)",
    },
    "autograde.line.failed": {
        "zh": "[{done}/{total}] {student}：自动评分失败（{seconds} 秒），日志：{log}",
        "en": "[{done}/{total}] {student}: autograde failed ({seconds} s), log: {log}",
    },
    "autograde.bar": {
        "zh": "已完成 {done}/{total}，失败 {failed}，用时 {elapsed}，预计还需 {eta}",
        "en": "{done}/{total} done, {failed} failed, {elapsed} elapsed, ETA {eta}",
    },
    "autograde.summary.graded": {
        "zh": "完成：{total} 人中 {graded} 人评分成功，用时 {elapsed}，平均分 {mean}/{max_score}",
        "en": "done: {graded} of {total} students graded in {elapsed}, mean score {mean}/{max_score}",
    },
    "autograde.summary.attention": {
        "zh": "需要查看（{count} 人：评分失败或需要人工评分）：{students}",
        "en": "needing attention ({count}: autograde failed or manual grading needed): {students}",
    },
    "autograde.summary.slowest": {
        "zh": "最慢的三位：{students}",
        "en": "slowest three: {students}",
    },
    "autograde.interrupted": {
        "zh": "已中断：{done} 人的成绩已保存；{count} 人未完成：{students}。再次运行同一命令即可继续。",
        "en": "interrupted: {done} grades kept; {count} unfinished: {students}. Run the same command again to continue.",
    },
    "autograde.stopped": {
        "zh": "已提前停止：{cause}。{done} 人的成绩已保存；{count} 人未完成：{students}。解决后再次运行同一命令即可继续。",
        "en": "stopped early: {cause}. {done} grades kept; {count} unfinished: {students}. Run the same command again (once that is fixed) to continue.",
    },
    "autograde.cause.gradebook": {
        "zh": "成绩库 {db} 已 {seconds} 秒无法访问（{error}）",
        "en": "the gradebook {db} could not be reached for {seconds} s ({error})",
    },
    "autograde.cause.gradebook_write": {
        "zh": "无法写入成绩库 {db}（{error}）",
        "en": "the gradebook {db} could not be written ({error})",
    },
    "autograde.cause.disk": {
        "zh": "{path} 所在磁盘已满（{error}）",
        "en": "the disk of {path} is full ({error})",
    },
    "autograde.cause.crash": {
        "zh": "dnn-lab autograde 内部错误 {error}（详情：{log}）",
        "en": "dnn-lab autograde failed with {error} (details: {log})",
    },
    "autograde.waiting_db": {
        "zh": "成绩库 {db} 无法访问（{error}）：最多等待 {seconds} 秒后重试，已开始的学生之后重新评分",
        "en": "the gradebook {db} does not answer ({error}): waiting up to {seconds} s; the students it interrupted are graded again",
    },
    "autograde.db_back": {
        "zh": "成绩库已恢复，继续评分",
        "en": "the gradebook is back, grading goes on",
    },
    "autograde.err.readonly": {
        "zh": "无法写入成绩库 {db}：{error}",
        "en": "the gradebook {db} cannot be written: {error}",
    },
    "autograde.err.space": {
        "zh": "{path} 只剩 {free} MiB 空间，评分至少需要 {need} MiB：请先腾出空间。",
        "en": "{path} has only {free} MiB free, grading needs at least {need} MiB: free some space first.",
    },
    "autograde.err.sqlite_shards": {
        "zh": "SQLite 成绩库 {db} 位于网络文件系统（{fs}）上，多台机器的 --shard 不能共用它（SQLite 的锁在那里不可靠）：请改用 PostgreSQL 成绩库。",
        "en": "the SQLite gradebook {db} is on a network file system ({fs}); --shard on several machines cannot share it (SQLite's locks are not reliable there): use a PostgreSQL gradebook.",
    },
    # ---- dnn-lab course init (dnn_lab/cli.py) ----------------------------
    "cli.course.dir": {"zh": "课程：{dir}", "en": "course: {dir}"},
    "cli.course.config_written": {"zh": "nbgrader_config.py 已写入", "en": "nbgrader_config.py written"},
    "cli.course.config_kept": {"zh": "nbgrader_config.py 已存在，保留原样", "en": "nbgrader_config.py kept (already there)"},
    "cli.course.copied": {"zh": "{path} 已复制", "en": "{path} copied"},
    "cli.course.kept": {"zh": "{path} 已存在，保留原样", "en": "{path} kept (already there)"},
    "cli.course.next": {"zh": "接下来按这个顺序运行（先第一部分，再第二部分）：", "en": "next, in this order (Part 1 before Part 2):"},
    "cli.course.collect": {
        "zh": "把学生提交的作业放进 submitted/<student>/<assignment>/",
        "en": "collect the submissions into submitted/<student>/<assignment>/",
    },
    "cli.hub.wrote": {"zh": "已写入 {path}", "en": "wrote {path}"},
    "cli.hub.set_up": {"zh": "已设置 {what}", "en": "set up {what}"},
    "cli.hub.refused": {"zh": "hub-config 已拒绝（{code}）：{detail}", "en": "hub-config refused ({code}): {detail}"},
    "cli.hub.start": {"zh": "以 root 启动 hub：{command}", "en": "start the hub as root: {command}"},
    "cli.no_course_package": {
        "zh": "找不到课程的源笔记本（含答案与隐藏测试）：它们不在 dnn-lab 包里，而在单独的讲师包 {dist} 中。"
              "请先安装：`pip install {dist}`（与 dnn-lab 同一版本），再运行 `dnn-lab course init`。",
        "en": "The course's source notebooks (solutions and hidden tests) are not part of dnn-lab: they come in "
              "the separate instructor package {dist}. Install it with `pip install {dist}` (the same version "
              "as dnn-lab), then run `dnn-lab course init` again.",
    },
    # ---- the /dnn-lab page (dnn_lab/server); page.error.<code> explains each refusal ----
    'page.title': {"zh": 'DNN 实验室', "en": 'DNN Lab'},
    'page.subtitle': {"zh": '一步一步搭建深度神经网络：作业、修复与进度', "en": 'Build a deep neural network step by step: assignments, repair and progress'},
    'page.language': {"zh": '界面语言', "en": 'Page language'},
    'page.assignments': {"zh": '作业', "en": 'Assignments'},
    'page.assignment': {"zh": '作业', "en": 'assignment'},
    'page.languages': {"zh": '语言版本', "en": 'languages'},
    'page.lang.zh': {"zh": '中文', "en": 'Chinese'},
    'page.lang.en': {"zh": '英文', "en": 'English'},
    'page.lang.both': {"zh": '中英双语', "en": 'Chinese + English'},
    'page.folder': {"zh": '放到文件夹（相对于 Jupyter 根目录，留空即根目录）', "en": 'Into folder (relative to the Jupyter root; empty for the root)'},
    'page.fresh': {"zh": '获取一份新的作业', "en": 'Get a fresh copy'},
    'page.fresh.help': {"zh": '写入一份全新的学生版笔记本（取一个新文件名，绝不覆盖已有文件）以及它需要的辅助文件。', "en": 'Writes a new student notebook (under a new name, never overwriting a file) and the files it needs.'},
    'page.fresh.done': {"zh": '已写入：', "en": 'Written:'},
    'page.open': {"zh": '在 JupyterLab 中打开', "en": 'Open in JupyterLab'},
    'page.repair': {"zh": '修复我的笔记本', "en": 'Repair my notebook'},
    'page.repair.help': {"zh": '单元格被删掉、打乱或弄坏了？这里会生成一份新的学生版，并把你在各个练习里写的代码搬进去。原文件不会被修改。', "en": 'Cells deleted, shuffled or broken? This makes a new student version and moves the code you wrote for each exercise into it. Your original file is not changed.'},
    'page.repair.path': {"zh": '笔记本路径（相对于 Jupyter 根目录）', "en": 'Notebook path (relative to the Jupyter root)'},
    'page.repair.done': {"zh": '新的笔记本：', "en": 'New notebook:'},
    'page.repair.moved': {"zh": '已搬入的答案', "en": 'Answers moved in'},
    'page.repair.unchanged': {"zh": '还没有作答（保持原样）', "en": 'Not answered yet (left as is)'},
    'page.repair.missing': {"zh": '没有找到的答案', "en": 'Answers not found'},
    'page.none': {"zh": '无', "en": 'none'},
    'page.progress': {"zh": '进度', "en": 'Progress'},
    'page.progress.help': {"zh": '每次点击“检查”都会记录在笔记本所在文件夹的 .dnn_lab/progress.json 中。', "en": 'Every Check click is recorded in .dnn_lab/progress.json next to the notebook.'},
    'page.progress.refresh': {"zh": '刷新', "en": 'Refresh'},
    'page.progress.empty': {"zh": '还没有检查记录。', "en": 'No checks recorded yet.'},
    'page.progress.folder': {"zh": '文件夹', "en": 'folder'},
    'page.progress.notebooks': {"zh": '笔记本', "en": 'notebooks'},
    'page.exercise': {"zh": '练习', "en": 'exercise'},
    'page.status': {"zh": '结果', "en": 'result'},
    'page.failed_step': {"zh": '失败的步骤', "en": 'failed step'},
    'page.hints': {"zh": '提示', "en": 'hints'},
    'page.time': {"zh": '时间', "en": 'time'},
    'page.passed': {"zh": '通过', "en": 'passed'},
    'page.failed': {"zh": '未通过', "en": 'failed'},
    'page.unknown': {"zh": '未知', "en": 'unknown'},
    'page.root': {"zh": '（根目录）', "en": '(root)'},
    'page.working': {"zh": '处理中…', "en": 'Working…'},
    'page.error': {"zh": '出错了：', "en": 'Error:'},
    'page.error.bad_path': {"zh": '路径无效。', "en": 'The path is not valid.'},
    'page.error.absolute_path': {"zh": '请使用相对于 Jupyter 根目录的路径，不要用绝对路径。', "en": 'Use a path relative to the Jupyter root, not an absolute path.'},
    'page.error.parent_path': {"zh": '路径中不能包含 “..”：只能访问 Jupyter 根目录以内的文件。', "en": "The path may not contain '..': only files inside the Jupyter root are reachable."},
    'page.error.outside_root': {"zh": '这个路径（可能通过符号链接）指向了 Jupyter 根目录以外，已拒绝。', "en": 'This path leads outside the Jupyter root (perhaps through a symlink) and is refused.'},
    'page.error.hidden_path': {"zh": '不能访问隐藏的文件或文件夹（名字以 “.” 开头）。', "en": "Hidden files and folders (names starting with '.') are not reachable."},
    'page.error.not_found': {"zh": '找不到这个文件。', "en": 'There is no such file.'},
    'page.error.missing_path': {"zh": '请填写笔记本的路径。', "en": "Please give the notebook's path."},
    'page.error.not_a_directory': {"zh": '这不是一个文件夹。', "en": 'This is not a folder.'},
    'page.error.not_a_notebook': {"zh": '这不是一个可以读取的笔记本（.ipynb）文件。', "en": 'This is not a notebook (.ipynb) that can be read.'},
    'page.error.too_large': {"zh": '文件太大（超过 20 MB），不像是本作业的笔记本。', "en": "The file is too large (over 20 MB) to be this assignment's notebook."},
    'page.error.unknown_assignment': {"zh": '没有这个作业。', "en": 'There is no such assignment.'},
    'page.error.unknown_language': {"zh": '这个作业没有这种语言版本。', "en": 'This assignment has no such language version.'},
    'page.error.no_free_name': {"zh": '找不到可用的新文件名，请稍后再试。', "en": 'No free file name was found; please try again.'},
    'page.error.bad_request': {"zh": '请求格式不正确（需要 JSON 对象）。', "en": 'The request is malformed (a JSON object is expected).'},
    'page.error.request_too_large': {"zh": '请求太大。', "en": 'The request is too large.'},
    'page.error.internal': {"zh": '服务器内部错误，详情见 Jupyter 日志。', "en": 'Internal error; see the Jupyter log.'},
    'page.error.progress_unreadable': {"zh": '进度文件无法读取。', "en": 'The progress file cannot be read.'},
    'page.error.progress_too_large': {"zh": '进度文件太大。', "en": 'The progress file is too large.'},
    # ---- grading (dnn_lab.grading): verdicts written into the grade cells --------------
    # the feedback page's score list (dnn_lab.grading.feedback)
    "feedback.exercise": {"zh": "练习 {n}：{fn}", "en": "Exercise {n}: {fn}"},
    "feedback.score": {"zh": "得分", "en": "Score"},
    "feedback.top": {"zh": "回到顶部", "en": "Top"},
    "feedback.your_answer": {"zh": "你的答案", "en": "Your answer"},
    "grading.passed": {"zh": "✓ {fn}：通过了全部公开与隐藏测试用例。", "en": "✓ {fn}: passed every public and hidden case."},
    "grading.failed_public": {"zh": "✗ {fn}：公开检查未通过（与“检查”按钮的结果相同）。",
                              "en": "✗ {fn}: the public checks fail (the same result as the Check button)."},
    "grading.failed_hidden": {"zh": "✗ {fn}：公开检查通过，但隐藏测试用例（其他形状与数值）未通过。",
                              "en": "✗ {fn}: the public checks pass, but the hidden cases (other shapes and values) fail."},
    "grading.not_implemented": {"zh": "✗ {fn}：提交的笔记本里没有这个函数，或它还没有实现。",
                                "en": "✗ {fn}: the submitted notebook does not define this function, or it is not implemented."},
    "grading.cell_error": {"zh": "✗ {fn}：定义它的单元格无法运行：{error}",
                           "en": "✗ {fn}: the cell that defines it cannot run: {error}"},
    "grading.reason.timeout": {"zh": "函数在 {seconds} 秒内没有返回，被停止了（本题计 0 分）。",
                               "en": "The function did not return within {seconds} s and was stopped (0 for this exercise)."},
    "grading.reason.exited": {"zh": "函数结束了评分进程（例如调用了 os._exit 或 sys.exit），本题计 0 分。",
                              "en": "The function ended the grading process (e.g. it called os._exit or sys.exit): 0 for this exercise."},
    "grading.reason.crashed": {"zh": "函数使评分进程崩溃（例如段错误），本题计 0 分。",
                               "en": "The function crashed the grading process (e.g. a segmentation fault): 0 for this exercise."},
    "grading.reason.killed": {"zh": "评分进程被强制结束（通常是内存或进程数超限），本题计 0 分。",
                              "en": "The grading process was killed (usually a memory or process limit): 0 for this exercise."},
    "grading.reason.protocol": {"zh": "函数干扰了评分进程的通信，本题计 0 分。",
                                "en": "The function interfered with the grading process's communication: 0 for this exercise."},
    "grading.reason.load_timeout": {"zh": "加载你的代码时超时（顶层代码在定义函数时就运行了很久），本题计 0 分。",
                                    "en": "Loading your code timed out (top-level code ran for too long while defining the functions): 0 for this exercise."},
    "grading.reason.memory": {"zh": "函数申请的内存超过了 {limit} 的上限，本题计 0 分。",
                              "en": "The function asked for more memory than the {limit} limit: 0 for this exercise."},
    "grading.footer": {"zh": "评分在沙箱中根据提交的源代码进行（隔离级别：{level}）。",
                       "en": "Graded from the submitted source in a sandbox (isolation: {level})."},
    "grading.kernel_timeout": {"zh": "此单元格在 {seconds} 秒内没有运行完，已被停止（不影响评分）。",
                               "en": "This cell did not finish within {seconds} s and was stopped (the grade does not depend on it)."},
    "grading.kernel_died": {"zh": "运行此单元格时内核退出了；后面的单元格在新内核中继续（不影响评分）。",
                            "en": "The kernel died while running this cell; the cells below ran in a fresh kernel (the grade does not depend on it)."},
    "grading.kernel_skipped": {"zh": "未运行：前面的单元格多次超时或使内核退出（不影响评分）。",
                               "en": "Not run: cells above timed out or killed the kernel too often (the grade does not depend on it)."},
    # ---- the class report (dnn-lab report): the instructor's view of a whole class -----
    "report.title": {"zh": "全班概览：{assignment}", "en": "The class at a glance: {assignment}"},
    "report.counts": {"zh": "已提交 {submitted} 人，已评分 {graded} 人，需要关注 {attention} 人。",
                      "en": "{submitted} students submitted, {graded} graded, {attention} need attention."},
    "report.attention": {"zh": "需要关注", "en": "Needs attention"},
    "report.attention.ungraded": {"zh": "未评分：没有评分结果（nbgrader 没能评这份笔记本，或还没有运行评分）",
                                  "en": "not graded: no verdicts (nbgrader could not grade the notebook, or grading has not run)"},
    "report.attention.unfinished": {"zh": "成绩库里尚未评完（评分中途被中断）：再运行一次 dnn-lab autograde",
                                    "en": "not finished in the gradebook (grading was stopped half-way): run dnn-lab autograde again"},
    "report.attention.timeout": {"zh": "超时：{exercises}", "en": "timed out: {exercises}"},
    "report.mean": {"zh": "平均分 {mean}（满分 {max}）", "en": "mean score {mean} (out of {max})"},
    "report.slowest": {"zh": "评分最慢：{students}", "en": "slowest to grade: {students}"},
    "report.attention.crashed": {"zh": "评分进程被结束：{exercises}", "en": "stopped the grading process: {exercises}"},
    "report.attention.cell_error": {"zh": "单元格无法运行：{exercises}", "en": "a cell does not run: {exercises}"},
    "report.pass_rates": {"zh": "各练习通过率", "en": "Pass rate per exercise"},
    "report.exercise": {"zh": "练习", "en": "exercise"},
    "report.passed": {"zh": "通过", "en": "passed"},
    "report.diagnoses": {"zh": "最常见的诊断", "en": "Top diagnoses"},
    "report.students_n": {"zh": "{n} 名学生（{pct}%）", "en": "{n} students ({pct} %)"},
    "report.public": {"zh": "公开用例", "en": "public cases"},
    "report.hidden_only": {"zh": "只在隐藏用例上失败", "en": "hidden cases only"},
    "report.not_implemented": {"zh": "还没有实现", "en": "not implemented"},
    "report.students": {"zh": "学生", "en": "students"},
    "report.message_seen": {"zh": "学生看到的说明", "en": "what the students read"},
    "report.scores": {"zh": "得分分布", "en": "Score distribution"},
    "report.score_axis": {"zh": "得分（满分 {max}）", "en": "score (out of {max})"},
    "report.count_axis": {"zh": "学生人数", "en": "students"},
    "report.heat_note": {"zh": "颜色越深，在这一步失败的学生越多；数字是人数。",
                         "en": "The darker a step, the more students fail there; the number counts them."},
    "report.none_failing": {"zh": "全部通过", "en": "everyone passed"},
    "report.corrupt_skipped": {"zh": "已跳过无法读取的评分文件 {path}（{detail}）",
                               "en": "skipped an unreadable verdict file {path} ({detail})"},
    "report.html_written": {"zh": "HTML 报告：{path}", "en": "HTML report: {path}"},
    "report.err.unknown_assignment": {"zh": "没有名为 {assignment} 的作业（可选：{known}）。",
                                      "en": "There is no assignment called {assignment} (known: {known})."},
    "report.err.no_course": {"zh": "{path} 不是课程目录（那里没有 nbgrader_config.py）：请在课程目录中运行。",
                             "en": "{path} is not a course directory (no nbgrader_config.py there): run this in the course directory."},
    "report.err.no_graded": {"zh": "{assignment} 还没有已评分的学生：先运行 dnn-lab autograde {assignment}。",
                             "en": "No student of {assignment} is graded yet: run dnn-lab autograde {assignment} first."},
    "report.err.old_version": {"zh": "{path} 是旧版本 dnn-lab 写的评分文件（格式版本 {found}，需要 {wanted}）：请用 dnn-lab autograde {assignment} --force 重新评分。",
                               "en": "{path} was written by an older dnn-lab (format version {found}, this one reads {wanted}): regrade with dnn-lab autograde {assignment} --force."},
    "report.err.db": {"zh": "无法读取成绩库 {url}：{error}", "en": "Cannot read the gradebook {url}: {error}"},
    "report.page.title": {"zh": "全班概览（教师）", "en": "The class at a glance (instructor)"},
    "report.page.open": {"zh": "完整报告：在课程目录中运行 dnn-lab report {assignment} --html report.html",
                         "en": "Full report: run dnn-lab report {assignment} --html report.html in the course directory"},
}


# ---- display labels: ids stay data (JSON, data- attributes), people read these -------
class Bi(tuple):
    """A parameter value in both languages, ``Bi((zh, en))``: :func:`t` fills each
    language's text with that language's value."""
    __slots__ = ()

    def pick(self, lang):
        return self[0] if lang == "zh" else self[1]

    def __str__(self):
        return self[0] if self[0] == self[1] else f"{self[0]} / {self[1]}"


def in_language(value, lang):
    """``value`` as shown in ``lang``: a :class:`Bi` picks its language ("both": zh / en)."""
    if isinstance(value, Bi):
        return str(value) if lang == "both" else value.pick(lang)
    return value


def join_bi(values, lang=None):
    """Several :class:`Bi` labels as one: '、' between Chinese ones, ', ' between English ones."""
    values = [v if isinstance(v, Bi) else Bi((str(v), str(v))) for v in values]
    return Bi(("、".join(v[0] for v in values), ", ".join(v[1] for v in values)))


# Step ids that are words; the others (W1, dW, Z, cache, caches, costs, dAL, …) are the
# code's own names and stay as they are.  layer<N> is 第 N 层 / layer N.
STEP_LABELS = {
    "inputs": "输入", "keys": "字典的键", "init": "初始化", "forward": "前向传播", "backward": "反向传播",
    "cost": "代价", "update": "更新", "result": "返回值", "threshold": "阈值", "accuracy": "准确率",
    "activation": "激活函数", "activation_backward": "激活函数的反向", "linear": "线性部分",
}
_LAYER_STEP = re.compile(r"^layer(\d+)$")
_HIDDEN_CASE = re.compile(r"^hidden(\d+)$")


def step_label(step):
    """A step id as people read it: ``layer2`` → ``Bi(("第 2 层", "layer 2"))``."""
    step = step or ""
    m = _LAYER_STEP.match(step)
    if m:
        return Bi((f"第 {m.group(1)} 层", f"layer {m.group(1)}"))
    return Bi((STEP_LABELS.get(step, step), step))


def case_label(case, number=None):
    """A case id as people read it: in Chinese by its number (``用例 2``, ``隐藏用例 1``),
    in English its id (``reference``, ``hidden1``)."""
    case = case or ""
    m = _HIDDEN_CASE.match(case)
    if m:
        return Bi((f"隐藏用例 {m.group(1)}", case))
    return Bi((f"用例 {number}" if number is not None else case, case))


# A case's description (``Case.about``) is mostly code (shapes, argument values); these
# are its words, and the separators between its parts.
_ABOUT_ZH = [
    (re.compile(r"\b(\d+) layers?: ?"), r"\1 层："),
    (re.compile(r"\b(\d+) layers?\b"), r"\1 层"),
    (re.compile(r"\bevery prediction right\b"), "全部预测正确"),
    (re.compile(r"\bone probability = "), "其中一个概率为 "),
]
# What a failure line is about (the ``what`` parameter): code names, and these words.
_WHAT_ZH = [
    (re.compile(r"\blayer (\d+)\b"), r"第 \1 层"),
    (re.compile(r"^initial parameters\b"), "初始的 parameters"),
    (re.compile(r"\s*\(iteration (\d+)\)"), r"（第 \1 次迭代）"),
    (re.compile(r" \(([^()]*)\)$"), r"（\1）"),
]


def _top_level_commas(text, sep):
    """``text`` with each ', ' outside brackets replaced by ``sep``."""
    out, depth = [], 0
    i = 0
    while i < len(text):
        ch = text[i]
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and text.startswith(", ", i):
            out.append(sep)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def about_text(about):
    """A case description in both languages: ``Bi((zh, en))``."""
    zh = about or ""
    for pattern, repl in _ABOUT_ZH:
        zh = pattern.sub(repl, zh)
    return Bi((_top_level_commas(zh, "，"), about or ""))


def what_text(what, lang):
    """The ``what`` of a failure line in ``lang`` (Chinese words for 'layer 2', …)."""
    if lang != "zh" or not isinstance(what, str):
        return what
    for pattern, repl in _WHAT_ZH:
        what = pattern.sub(repl, what)
    return what


def _in_language(params, lang):
    return {k: what_text(v, lang) if k == "what" else in_language(v, lang) for k, v in params.items()}


def _default_lang():
    lang = os.environ.get("DNN_LAB_LANG", "both")
    return lang if lang in LANGS else "both"


_state = {"lang": None}


def set_language(lang):
    """Choose the language of every later message: 'zh', 'en' or 'both'."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    _state["lang"] = lang


def get_language():
    return _state["lang"] or _default_lang()


def t(message_id, lang=None, **params):
    """The text of ``message_id`` in ``lang`` ('zh', 'en' or 'both': Chinese
    then English on the next line), with ``{placeholders}`` filled from params.
    An unknown id raises KeyError: there is no silent fallback."""
    lang = lang or get_language()
    entry = MESSAGES[message_id]
    if lang == "both":
        zh, en = (entry[x].format(**_in_language(params, x)) for x in ("zh", "en"))
        return zh if zh == en else f"{zh}\n{en}"
    return entry[lang].format(**_in_language(params, lang))


def t_short(message_id, lang=None, **params):
    """Like :func:`t`, but 'both' joins the two on one line with ' / ' (labels)."""
    lang = lang or get_language()
    if lang == "both":
        return f"{t(message_id, 'zh', **params)} / {t(message_id, 'en', **params)}"
    return t(message_id, lang, **params)


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
