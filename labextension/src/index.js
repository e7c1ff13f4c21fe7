/*
 * dnn_lab's JupyterLab extension (also loaded by Notebook 7). Two jobs:
 *
 * 1. The Check button sees what is on screen. The kernel (dnn_lab/kernel.py) opens a comm with
 *    target "dnn_lab" when dnn_lab is imported. On a Check click this extension sends, on that comm,
 *    the notebook's code cells as they are now (source and In [n], unsaved edits included) with the
 *    click inside the same message (the button's own click event is stopped: ipykernel may handle
 *    two comms' messages out of order); just before a cell that calls check( is sent to run, it sends
 *    the cells alone. The kernel compares the defining cell with the source it ran and says "run the
 *    cell first" when they differ. Without this extension (or the comm) the kernel reads the saved file.
 *
 * 2. Opening a notebook changes nothing in it. On open the kernel's language_info (and kernelspec)
 *    replace the short ones stored in a fresh notebook, and JupyterLab marks the document modified.
 *    While a notebook opens, a "modified" that comes only from those two keys is taken back.
 */
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';

const TARGET = 'dnn_lab';
const CHECK_CALL = /(^|[^\w.])check\s*\(/m;
const KERNEL_KEYS = ['language_info', 'kernelspec'];
const SETTLE_MS = 60000;

/** kernel connection -> the dnn_lab comm its kernel opened (or one found through comm_info). */
const comms = new WeakMap();

function liveComm(kernel) {
  const comm = kernel ? comms.get(kernel) : undefined;
  return comm && !comm.isDisposed ? comm : undefined;
}

function watchKernel(kernel) {
  if (!kernel || kernel.isDisposed || comms.has(kernel)) {
    return;
  }
  comms.set(kernel, undefined);
  try {
    kernel.registerCommTarget(TARGET, comm => {
      comms.set(kernel, comm);
    });
  } catch (err) {
    console.warn('dnn-lab: no comm target', err);
    return;
  }
  // A page opened after the kernel imported dnn_lab: find the comm it already has.
  kernel
    .requestCommInfo({ target_name: TARGET })
    .then(reply => {
      const ids = Object.keys(reply.content.comms || {}).filter(
        id => reply.content.comms[id].target_name === TARGET
      );
      if (ids.length && !liveComm(kernel) && !kernel.hasComm(ids[ids.length - 1])) {
        comms.set(kernel, kernel.createComm(TARGET, ids[ids.length - 1]));
      }
    })
    .catch(() => undefined);
}

function codeCells(panel) {
  const cells = [];
  const model = panel.content.model;
  if (!model) {
    return cells;
  }
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.type === 'code') {
      const count = cell.executionCount;
      cells.push({ source: cell.sharedModel.getSource(), count: count === undefined ? null : count });
    }
  }
  return cells;
}

/**
 * Send the code cells as they are now; false when not sent. Without a dnn_lab comm from this kernel
 * (its comm_open not seen by this page), a click on a live Check button opens one: that kernel has
 * dnn_lab imported, and its comm target takes the word from the open message.
 */
function sendCells(panel, reason, click) {
  const kernel = panel.sessionContext.session ? panel.sessionContext.session.kernel : null;
  if (!kernel || kernel.isDisposed) {
    return false;
  }
  const word = { kind: 'cells', reason, cells: codeCells(panel) };
  if (click) {
    word.click = click; // the kernel runs this widget's click after reading the cells
  }
  try {
    let comm = liveComm(kernel);
    if (comm) {
      comm.send(word);
      return true;
    }
    if (reason !== 'click') {
      return false;
    }
    watchKernel(kernel);
    comm = kernel.createComm(TARGET);
    comms.set(kernel, comm);
    comm.open(word);
    return true;
  } catch (err) {
    console.warn('dnn-lab: cells not sent', err);
    return false;
  }
}

function watchPanel(panel) {
  watchKernel(panel.sessionContext.session ? panel.sessionContext.session.kernel : null);
  panel.sessionContext.kernelChanged.connect((_, change) => watchKernel(change.newValue));
  void keepCleanWhileOpening(panel);
}

/** The document without the keys the kernel writes on open (what "changed nothing" compares). */
function contentOf(model) {
  const nb = model.toJSON();
  const metadata = Object.assign({}, nb.metadata);
  for (const key of KERNEL_KEYS) {
    delete metadata[key];
  }
  return JSON.stringify({ cells: nb.cells, metadata, nbformat: nb.nbformat, minor: nb.nbformat_minor });
}

async function keepCleanWhileOpening(panel) {
  await panel.context.ready;
  const model = panel.context.model;
  if (!model || model.dirty) {
    return;
  }
  const opened = contentOf(model);
  let done = false;
  const check = () => {
    if (done || model.isDisposed || !model.dirty) {
      return;
    }
    if (contentOf(model) === opened) {
      model.dirty = false; // only the kernel's language_info / kernelspec differ from the file
    } else {
      stop(); // a real change: from now on JupyterLab's own rules
    }
  };
  const onState = (_, change) => {
    if (change.name === 'dirty' && change.newValue) {
      setTimeout(check, 0); // after the change itself has been applied
    }
  };
  const stop = () => {
    if (!done) {
      done = true;
      model.stateChanged.disconnect(onState);
      panel.context.saveState.disconnect(stop);
    }
  };
  model.stateChanged.connect(onState);
  panel.context.saveState.connect(stop);
  setTimeout(stop, SETTLE_MS);
}

const plugin = {
  id: 'dnn-lab:check',
  description: 'The Check button sees unsaved edits; opening a notebook changes nothing.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app, tracker) => {
    tracker.forEach(watchPanel);
    tracker.widgetAdded.connect((_, panel) => watchPanel(panel));

    // A click on a live Check button: the cells and the click go as one message (capture phase: the
    // button's own handler never sees it; a kernel may handle two comms' messages out of order).
    document.addEventListener(
      'click',
      event => {
        const target = event.target;
        if (!(target instanceof Element)) {
          return;
        }
        const button = target.closest('.dnn-lab-check button');
        if (!button || button.disabled || button.closest('.jupyter-widgets-disconnected')) {
          return;
        }
        const box = button.closest('.dnn-lab-check');
        const named = Array.from(box.classList).find(c => c.startsWith('dnn-lab-id-'));
        const panel = tracker.find(p => p.node.contains(button));
        if (panel && named && sendCells(panel, 'click', named.slice('dnn-lab-id-'.length))) {
          event.stopImmediatePropagation();
          event.preventDefault();
        }
      },
      true
    );

    // A cell that calls check( is about to be sent to the kernel: the cells go first.
    NotebookActions.executionScheduled.connect((_, { notebook, cell }) => {
      if (cell.model.type !== 'code' || !CHECK_CALL.test(cell.model.sharedModel.getSource())) {
        return;
      }
      const panel = tracker.find(p => p.content === notebook);
      if (panel) {
        sendCells(panel, 'execute');
      }
    });
  }
};

export default plugin;
