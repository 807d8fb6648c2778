<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Pix2GifTrainingBackend</name>
    <message>
        <location filename="../core/bridge/pix2gif_training_backend.cpp" line="+110"/>
        <source>training is already running; stop it first</source>
        <translation>训练已在进行中；请先停止</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no training pairs: import clips in the Dataset tab first</source>
        <translation>没有训练帧对：请先在“数据集”选项卡中导入片段</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no base model: choose a Pix2Gif model (or an SD-1.5 checkpoint) to start from</source>
        <translation>没有起始模型：请选择一个 Pix2Gif 模型（或 SD-1.5 检查点）作为起点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>base model %1 not found; choose an existing model file or folder</source>
        <translation>未找到起始模型 %1；请选择现有的模型文件或文件夹</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>choose an output folder for checkpoints and samples</source>
        <translation>请为检查点和样例选择输出文件夹</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 training is not available: the CPU trainer trains in float32</source>
        <translation>无法以 %1 训练：CPU 训练器只使用 float32 训练</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 is not a Pix2Gif model</source>
        <translation>%1 不是 Pix2Gif 模型</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cannot read the base model: %1</source>
        <translation>无法读取起始模型：%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cannot create the output folder %1</source>
        <translation>无法创建输出文件夹 %1</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>cannot prepare the training data: %1</source>
        <translation>无法准备训练数据：%1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/main.cpp" line="+34"/>
        <source>Still image to animation studio</source>
        <translation>静态图像动画工作室</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>An image, video or .smproj project to open.</source>
        <translation>要打开的图像、视频或 .smproj 项目。</translation>
    </message>
</context>
<context>
    <name>sm::core::EngineBackend</name>
    <message>
        <location filename="../core/bridge/engine_backend.cpp" line="+110"/>
        <source>reading weights</source>
        <translation>正在读取权重</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>building the model</source>
        <translation>正在构建模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>moving to the device</source>
        <translation>正在移至设备</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1: not found. Add the weights again in the Model Manager, or pick another model.</source>
        <translation>%1：未找到。请在模型管理器中重新添加权重，或选择其他模型。</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>No model is loaded. Pick a model first.</source>
        <translation>尚未加载模型。请先选择模型。</translation>
    </message>
</context>
<context>
    <name>sm::ui::ExportDialog</name>
    <message>
        <location filename="../ui/export_dialog.cpp" line="+61"/>
        <location line="+200"/>
        <source>Export Animation</source>
        <translation>导出动画</translation>
    </message>
    <message>
        <location line="-195"/>
        <source>GIF animation</source>
        <translation>GIF 动画</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MP4 video (H.264)</source>
        <translation>MP4 视频（H.264）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Animated WebP</source>
        <translation>动画 WebP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PNG sequence (folder)</source>
        <translation>PNG 序列（文件夹）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF plays everywhere but has 256 colours; MP4 is smallest for long clips but does not loop by itself; WebP has full colour and alpha; a PNG sequence keeps every frame lossless for further editing.</source>
        <translation>GIF 随处可播放，但只有 256 色；MP4 对长片段体积最小，但不会自动循环；WebP 支持全彩和透明通道；PNG 序列无损保存每一帧，便于后期编辑。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Where the file (or, for a PNG sequence, the folder) is written.</source>
        <translation>文件（PNG 序列则为文件夹）的写入位置。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose the file to write.</source>
        <translation>选择要写入的文件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Higher quality: fewer artefacts and a larger file. GIF: palette accuracy and how exactly unchanged pixels are kept; MP4: the CRF; WebP: lossy quality.</source>
        <translation>质量越高：伪影越少，文件越大。GIF：调色板精度以及未变化像素的保留精度；MP4：CRF 值；WebP：有损压缩质量。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>GIF palette size. Fewer colours: a smaller file with more banding.</source>
        <translation>GIF 调色板大小。颜色越少，文件越小，但色带越明显。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GIF colours</source>
        <translation>GIF 颜色数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One palette for all frames</source>
        <translation>所有帧共用一个调色板</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A palette per frame</source>
        <translation>每帧一个调色板</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One palette keeps colours steady and the file small; a palette per frame suits clips whose colours change a lot.</source>
        <translation>共用调色板可保持颜色稳定、文件较小；每帧调色板适合颜色变化较大的片段。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF palette</source>
        <translation>GIF 调色板</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>GIF dithering strength: more hides banding in gradients but adds grain and size.</source>
        <translation>GIF 抖动强度：越强越能掩盖渐变中的色带，但会增加颗粒感和文件大小。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GIF dithering</source>
        <translation>GIF 抖动</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>forever</source>
        <translation>无限循环</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many times GIF and WebP play: forever, or a number of plays.</source>
        <translation>GIF 和 WebP 的播放次数：无限循环或指定次数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plays</source>
        <translation>播放次数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ping-pong (forwards, then backwards)</source>
        <translation>往返播放（先正向，再反向）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Append the frames in reverse so the loop has no jump back to the start.</source>
        <translation>反向追加各帧，使循环时不会跳回开头。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fit under</source>
        <translation>限制在</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lower quality, colours, size and finally the frame rate until the file is under this size (GIF and WebP).</source>
        <translation>依次降低质量、颜色数、尺寸，最后降低帧率，直到文件小于此大小（GIF 和 WebP）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The largest file size to aim for (with Fit under checked).</source>
        <translation>目标文件大小的上限（勾选“限制在”时生效）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Size budget</source>
        <translation>大小上限</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n frame(s) at %1 fps</source>
        <translation>
            <numerusform>%n 帧，%1 fps</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Encode the frames and write the file; the dialog stays open with the result.</source>
        <translation>编码各帧并写入文件；对话框保持打开并显示结果。</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>Export PNG Sequence to Folder</source>
        <translation>将 PNG 序列导出到文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF animation (*.gif)</source>
        <translation>GIF 动画 (*.gif)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Animated WebP (*.webp)</source>
        <translation>动画 WebP (*.webp)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>There are no generated frames to export.</source>
        <translation>没有可导出的已生成帧。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose where to export to.</source>
        <translation>请选择导出位置。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Exporting; searching for settings that fit the size budget…</source>
        <translation>正在导出；正在寻找符合大小上限的设置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>Wrote %1: %2, %n frame(s)</source>
        <translation>
            <numerusform>已写入 %1：%2，%n 帧</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (fitted: quality %1, %2 colours, scale %3%, frame step %4, %5 trial encodes)</source>
        <translation>（已适配：质量 %1，%2 色，缩放 %3%，帧间隔 %4，试编码 %5 次）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消；未写入任何内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context>
<context>
    <name>sm::ui::FrameInspector</name>
    <message>
        <location filename="../ui/frame_inspector.cpp" line="+30"/>
        <source>The current frame as generated.</source>
        <translation>当前帧的生成结果。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Own prompt</source>
        <translation>单独提示词</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give this frame a prompt of its own instead of the project prompt, e.g. to make something happen in this frame only.</source>
        <translation>为此帧使用单独的提示词而不是项目提示词，例如让某件事只在这一帧发生。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This frame&apos;s prompt. Empty means an explicitly empty prompt (the model sees no text).</source>
        <translation>此帧的提示词。留空表示明确使用空提示词（模型看不到任何文字）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This frame&apos;s Pix2Gif motion: how far things have moved from the source in this frame (optical-flow pixels, 2–19). The same as dragging its point on the motion curve.</source>
        <translation>此帧的 Pix2Gif 运动值：此帧中物体相对源图像移动的距离（光流像素，2–19）。等同于在运动曲线上拖动该帧的点。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Motion</source>
        <translation>运动</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This frame&apos;s seed. A seed of its own gives this frame a different variation while the others stay.</source>
        <translation>此帧的种子。单独的种子会让此帧产生不同的变化，其他帧保持不变。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use project seed</source>
        <translation>使用项目种子</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set this frame&apos;s seed back to the project seed.</source>
        <translation>将此帧的种子恢复为项目种子。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>No frame selected</source>
        <translation>未选择帧</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Select a frame in the timeline to give it its own prompt, motion or seed.</source>
        <translation>在时间线中选择一帧，为其设置单独的提示词、运动值或种子。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Frame %1 of %2</source>
        <translation>第 %1 帧，共 %2 帧</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not generated yet</source>
        <translation>尚未生成</translation>
    </message>
</context>
<context>
    <name>sm::ui::FrameStrip</name>
    <message>
        <location filename="../ui/frame_strip.cpp" line="+48"/>
        <source>Frames in playback order. Click to select (Ctrl: add, Shift: range), drag to reorder, Delete to remove, double-click to show a frame in the preview.</source>
        <translation>按播放顺序排列的帧。单击选择（Ctrl：追加，Shift：范围），拖动以调整顺序，Delete 删除，双击在预览中显示该帧。</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>No frames yet: set the number of frames or press Generate.</source>
        <translation>尚无帧：请设置帧数或点击“生成”。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>not generated</source>
        <translation>未生成</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>sm::ui::GenerationPanel</name>
    <message>
        <location filename="../ui/generation_panel.cpp" line="+108"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Describe the scene and what moves, e.g. “the flag waves in the wind”</source>
        <translation>描述场景和运动的内容，例如“旗帜在风中飘扬”</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What the animation shows. Frames without a prompt of their own use this one. Pix2Gif adds the motion sentence itself, so describe the scene and the movement.</source>
        <translation>动画所呈现的内容。没有单独提示词的帧使用此提示词。Pix2Gif 会自动添加运动描述，因此请描述场景和运动。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Manage…</source>
        <translation>管理…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the Model Manager: add weights files or folders, see what was detected, pick the default.</source>
        <translation>打开模型管理器：添加权重文件或文件夹，查看检测结果，选择默认模型。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The weights the inference thread has in memory now.</source>
        <translation>推理线程当前加载在内存中的权重。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Motion</source>
        <translation>运动</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Which weights generate the frames. “Default” uses the default chosen in the Model Manager. Different weights give different styles and quality.</source>
        <translation>用于生成帧的权重。“默认”使用模型管理器中选定的默认权重。不同的权重会带来不同的风格和质量。</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Pix2Gif</source>
        <translation>Pix2Gif</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cinemo</source>
        <translation>Cinemo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model family. Pix2Gif draws each frame from the source with its own motion value (256 × 256 for weights made from Stable Diffusion, 64 × 64 for the demo model). Cinemo generates the whole clip at once from the source and one motion intensity (512 × 320). Changing it resets the crop to the model&apos;s aspect; the loaded model&apos;s resolution is shown below.</source>
        <translation>模型系列。Pix2Gif 根据源图像以各帧自己的运动值绘制每一帧（由 Stable Diffusion 制作的权重为 256 × 256，演示模型为 64 × 64）。Cinemo 根据源图像和一个运动强度一次生成整个片段（512 × 320）。切换时裁剪区域会重置为该模型的宽高比；已加载模型的分辨率显示在下方。</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Pix2Gif motion: how far things move between the source and a frame, in pixels of optical flow (trained range 2–19). Moving the slider sets every frame; shape single frames with the motion curve in the timeline.</source>
        <translation>Pix2Gif 运动值：源图像与某一帧之间物体移动的距离，以光流像素计（训练范围 2–19）。拖动滑块会设置所有帧；单独的帧可在时间线的运动曲线中调整。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pix2Gif motion</source>
        <translation>Pix2Gif 运动</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cinemo motion intensity: how much the whole clip moves, from 0 (almost still) to 19 (strong motion).</source>
        <translation>Cinemo 运动强度：整个片段的运动幅度，从 0（几乎静止）到 19（强烈运动）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cinemo intensity</source>
        <translation>Cinemo 强度</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Set motion intensity</source>
        <translation>设置运动强度</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Faithful (Euler ancestral, 100 steps)</source>
        <translation>忠实（Euler ancestral，100 步）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fast preview (DPM++ 2M Karras, 20 steps)</source>
        <translation>快速预览（DPM++ 2M Karras，20 步）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Faithful reproduces the authors&apos; results (slow). Fast preview takes a fifth of the time with slightly softer detail: use it to try prompts and motion, then switch back.</source>
        <translation>“忠实”可复现作者的结果（较慢）。“快速预览”只需五分之一的时间，细节略柔和：适合尝试提示词和运动，之后再切换回来。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Euler ancestral</source>
        <translation>Euler ancestral</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Euler</source>
        <translation>Euler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DPM++ 2M Karras</source>
        <translation>DPM++ 2M Karras</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DDIM</source>
        <translation>DDIM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The denoising method. Ancestral samplers add fresh noise each step (more variety); DPM++ 2M Karras and DDIM converge in fewer steps.</source>
        <translation>去噪方法。Ancestral 采样器每一步都加入新的噪声（变化更多）；DPM++ 2M Karras 和 DDIM 用更少的步数即可收敛。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Denoising steps per frame. More steps: finer detail and slower generation; time grows linearly with the steps.</source>
        <translation>每帧的去噪步数。步数越多，细节越精细，生成越慢；耗时与步数成正比。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Text guidance: how strongly the frames follow the prompt. Higher follows the text more closely but looks harsher; 7.5 is the authors&apos; default.</source>
        <translation>文本引导：帧遵循提示词的程度。数值越高越贴合文字，但画面越生硬；作者的默认值为 7.5。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Text guidance</source>
        <translation>文本引导</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Image guidance (Pix2Gif): how closely the frames keep to the source image. Higher keeps more of the source and moves less; lower lets the prompt change more.</source>
        <translation>图像引导（Pix2Gif）：帧与源图像的贴合程度。数值越高保留越多源图像、运动越少；越低则提示词改变越多。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Image guidance</source>
        <translation>图像引导</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose preset</source>
        <translation>选择预设</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose sampler</source>
        <translation>选择采样器</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set steps</source>
        <translation>设置步数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set text guidance</source>
        <translation>设置文本引导</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set image guidance</source>
        <translation>设置图像引导</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Seed and frames</source>
        <translation>种子与帧</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The random seed: the same seed, prompt and settings give the same frames. Changing it sets the seed of every frame; give single frames their own seed in the Frame panel.</source>
        <translation>随机种子：相同的种子、提示词和设置会生成相同的帧。修改它会设置所有帧的种子；可在“帧”面板中为单独的帧设置种子。</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+33"/>
        <location line="+187"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location line="-218"/>
        <source>Locked: Generate keeps the seed, so only your changes alter the result. Unlocked: every Generate draws a new seed and gives a new variation.</source>
        <translation>锁定：“生成”保留种子，只有您的修改会改变结果。解锁：每次“生成”都会抽取新种子，得到新的变化。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Randomise</source>
        <translation>随机</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw a new random seed now (for every frame): a different variation of the same animation.</source>
        <translation>立即抽取新的随机种子（用于所有帧）：得到同一动画的另一种变化。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many frames the animation has. New frames continue the motion curve; removing frames drops them from the end (add or remove single frames in the timeline).</source>
        <translation>动画包含的帧数。新帧会延续运动曲线；减少帧数会从末尾删除帧（单独的帧可在时间线中添加或删除）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> fps</source>
        <translation> fps</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Playback speed in frames per second, for the preview and the export (Pix2Gif&apos;s demo uses 4, Cinemo 8). Cinemo also takes it as a hint for the motion.</source>
        <translation>播放速度（每秒帧数），用于预览和导出（Pix2Gif 演示使用 4，Cinemo 使用 8）。Cinemo 还会将其作为运动的参考。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Frames</source>
        <translation>帧</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Different noise per frame</source>
        <translation>每帧使用不同噪声</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Off (the authors&apos; behaviour): every frame starts from the same noise, which keeps the frames consistent. On: each frame gets its own noise: more variety, more flicker.</source>
        <translation>关闭（作者的做法）：每帧都从相同的噪声开始，使各帧保持一致。开启：每帧使用各自的噪声：变化更多，闪烁也更多。</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+187"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location line="-186"/>
        <source>Lock seed</source>
        <translation>锁定种子</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unlock seed</source>
        <translation>解锁种子</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Set frame rate</source>
        <translation>设置帧率</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Toggle noise per frame</source>
        <translation>切换每帧噪声</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>DCTInit (Cinemo)</source>
        <translation>DCTInit（Cinemo）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cinemo&apos;s noise initialisation: starts from the low frequencies of the source instead of pure noise, which keeps colours and layout stable and avoids sudden changes. Only Cinemo uses it.</source>
        <translation>Cinemo 的噪声初始化：从源图像的低频成分开始而非纯噪声，可保持颜色和构图稳定、避免突变。仅 Cinemo 使用。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Share of DCT coefficients taken from the source (0–1, default 0.23). Higher keeps more of the source&apos;s structure and gives less motion.</source>
        <translation>取自源图像的 DCT 系数比例（0–1，默认 0.23）。越高保留越多源图像结构，运动越少。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Diffusion timestep at which the source is noised (0–999, default 975). Lower keeps more of the source; higher gives the model more freedom.</source>
        <translation>对源图像加噪的扩散时间步（0–999，默认 975）。越低保留越多源图像；越高给模型越多自由。</translation>
    </message>
    <message>
        <location line="+176"/>
        <source>No model found: add one in the Model Manager</source>
        <translation>未找到模型：请在模型管理器中添加一个</translation>
    </message>
    <message>
        <location line="-180"/>
        <source>Low-pass ratio</source>
        <translation>低通比例</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Noise timestep</source>
        <translation>加噪时间步</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Toggle DCTInit</source>
        <translation>切换 DCTInit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set DCTInit ratio</source>
        <translation>设置 DCTInit 比例</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set DCTInit timestep</source>
        <translation>设置 DCTInit 时间步</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generate every frame from the source with these settings (Ctrl+Return).</source>
        <translation>使用这些设置从源图像生成所有帧（Ctrl+Return）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regenerate selected</source>
        <translation>重新生成所选帧</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generate only the frames selected in the timeline again; the others stay (Ctrl+Shift+Return). Unlocked seeds give those frames a new variation.</source>
        <translation>仅重新生成时间线中选中的帧，其他帧保持不变（Ctrl+Shift+Return）。未锁定的种子会让这些帧产生新的变化。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop generating (Esc). Frames finished so far are kept.</source>
        <translation>停止生成（Esc）。已完成的帧会保留。</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Set seed</source>
        <translation>设置种子</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Randomise seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>varies</source>
        <translation>不一致</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Default (%1)</source>
        <translation>默认（%1）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> (demo)</source>
        <translation>（演示）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> — unusable</source>
        <translation> — 无法使用</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (not installed)</source>
        <translation>%1（未安装）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>nothing yet (loads on the first Generate)</source>
        <translation>尚未加载（首次生成时加载）</translation>
    </message>
</context>
<context>
    <name>sm::ui::ImageCanvas</name>
    <message>
        <location filename="../ui/image_canvas.cpp" line="+94"/>
        <source>Open an image (Ctrl+O) or drop one here</source>
        <translation>打开图像（Ctrl+O）或拖放到此处</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>%1 × %2 → %3 × %4</source>
        <translation>%1 × %2 → %3 × %4</translation>
    </message>
</context>
<context>
    <name>sm::ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="+139"/>
        <source>The source image. The bright rectangle is what the model sees: drag it to move it, click to centre it there, turn the mouse wheel to resize it.</source>
        <translation>源图像。亮色矩形是模型看到的区域：拖动可移动，单击可将其居中于该处，滚动鼠标滚轮可调整大小。</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>loading %1: %2 (%3%)</source>
        <translation>正在加载 %1：%2（%3%）</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Open an image to start (Ctrl+O), paste one (Ctrl+V) or drop one onto the window.</source>
        <translation>打开图像开始（Ctrl+O），粘贴图像（Ctrl+V），或将图像拖放到窗口中。</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+202"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="-195"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Frame</source>
        <translation>帧</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Open Image...</source>
        <translation>打开图像(&amp;O)...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the still image to animate (Ctrl+O).</source>
        <translation>打开要制作动画的静态图像（Ctrl+O）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;Project...</source>
        <translation>打开项目(&amp;P)...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Save Project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save the project with its frames (Ctrl+S).</source>
        <translation>保存项目及其帧（Ctrl+S）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save Project &amp;As...</source>
        <translation>项目另存为(&amp;A)...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Export Frames...</source>
        <translation>导出帧(&amp;E)...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export the animation as GIF, MP4, WebP or PNG frames (Ctrl+E).</source>
        <translation>将动画导出为 GIF、MP4、WebP 或 PNG 帧（Ctrl+E）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Paste Image</source>
        <translation>粘贴图像(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use the image on the clipboard as the source (Ctrl+V).</source>
        <translation>使用剪贴板中的图像作为源图像（Ctrl+V）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Settings...</source>
        <translation>设置(&amp;S)...</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generate every frame (Ctrl+Return).</source>
        <translation>生成所有帧（Ctrl+Return）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Regenerate Selected Frames</source>
        <translation>重新生成所选帧(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop generating; finished frames stay (Esc).</source>
        <translation>停止生成；已完成的帧会保留（Esc）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>F&amp;rames</source>
        <translation>帧(&amp;R)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pix2Gif (%1 × %2)</source>
        <translation>Pix2Gif（%1 × %2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cinemo (%1 × %2)</source>
        <translation>Cinemo（%1 × %2）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Manage Models...</source>
        <translation>管理模型(&amp;M)...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Play/Pause</source>
        <translation>播放/暂停(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Onion Skin</source>
        <translation>洋葱皮(&amp;O)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Side by Side</source>
        <translation>并排显示(&amp;S)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>As &amp;Exported</source>
        <translation>按导出效果(&amp;E)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Reset Layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+O open image · Ctrl+V paste image · Ctrl+S save · Ctrl+E export
Ctrl+Z undo · Ctrl+Shift+Z redo
Ctrl+Return generate · Ctrl+Shift+Return regenerate selected · Esc cancel
Insert add frame · Ctrl+D duplicate · Delete remove · Alt+Left/Right move frames
Left/Right/Home/End choose frame (Shift extends) · Up/Down on the curve change motion
Space play/pause · O onion skin · B side by side · X as exported
Ctrl+M model manager · Ctrl+, settings</source>
        <translation>Ctrl+O 打开图像 · Ctrl+V 粘贴图像 · Ctrl+S 保存 · Ctrl+E 导出
Ctrl+Z 撤销 · Ctrl+Shift+Z 重做
Ctrl+Return 生成 · Ctrl+Shift+Return 重新生成所选帧 · Esc 取消
Insert 添加帧 · Ctrl+D 复制 · Delete 删除 · Alt+左/右 移动帧
左/右/Home/End 选择帧（Shift 扩展选择）· 在曲线上按上/下 调整运动值
空格 播放/暂停 · O 洋葱皮 · B 并排显示 · X 按导出效果
Ctrl+M 模型管理器 · Ctrl+, 设置</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;About Stillmotion</source>
        <translation>关于 Stillmotion(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About Stillmotion</source>
        <translation>关于 Stillmotion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Stillmotion %1&lt;/b&gt;&lt;br&gt;Still image to animation studio (Pix2Gif, Cinemo).&lt;br&gt;Inference: %2.</source>
        <translation>&lt;b&gt;Stillmotion %1&lt;/b&gt;&lt;br&gt;静态图像动画工作室（Pix2Gif、Cinemo）。&lt;br&gt;推理：%2。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>LibTorch engine</source>
        <translation>LibTorch 引擎</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not in this build</source>
        <translation>此版本中不可用</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Cannot open image</source>
        <translation>无法打开图像</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Opened %1 (%2 × %3)</source>
        <translation>已打开 %1（%2 × %3）</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Nothing to paste</source>
        <translation>没有可粘贴的内容</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The clipboard holds no image. Copy an image (or an image file) first.</source>
        <translation>剪贴板中没有图像。请先复制图像（或图像文件）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Pasted an image (%1 × %2)</source>
        <translation>已粘贴图像（%1 × %2）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot open project</source>
        <translation>无法打开项目</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1

%2</source>
        <translation>%1

%2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Recovered %1 from the backup of an interrupted save; save it to restore the project folder</source>
        <translation>已从中断保存的备份中恢复 %1；请保存以恢复项目文件夹</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Opened project %1</source>
        <translation>已打开项目 %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Cannot save project</source>
        <translation>无法保存项目</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>

The previous save, if any, is unchanged.</source>
        <translation>

之前保存的版本（如有）保持不变。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nothing to export</source>
        <translation>没有可导出的内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This project has no generated frames yet. Generate frames first, then export them.</source>
        <translation>此项目尚无已生成的帧。请先生成帧，然后再导出。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>no encoder for this format</source>
        <translation>没有此格式的编码器</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Exported %n frame(s) to %1 (%2)</source>
        <translation>
            <numerusform>已将 %n 帧导出到 %1（%2）</numerusform>
        </translation>
    </message>
    <message>
        <location line="+15"/>
        <source>animation</source>
        <translation>动画</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Images and videos (%1);;All files (*)</source>
        <translation>图像和视频 (%1);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+447"/>
        <source>%1 · %2 × %3 · %4 on %5</source>
        <translation>%1 · %2 × %3 · %4，运行于 %5</translation>
    </message>
    <message>
        <location line="-634"/>
        <location line="+188"/>
        <source>Open Image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open Project (a .smproj folder)</source>
        <translation>打开项目（.smproj 文件夹）</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+60"/>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location line="-269"/>
        <location line="+213"/>
        <source>Save Project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stillmotion project (*.smproj)</source>
        <translation>Stillmotion 项目 (*.smproj)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Cannot use the trained model: %1</source>
        <translation>无法使用训练好的模型：%1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Generating with %1 from now on.</source>
        <translation>此后将使用 %1 生成。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%1[*] — Stillmotion</source>
        <translation>%1[*] — Stillmotion</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The project has unsaved changes. Save them first?</source>
        <translation>项目有未保存的更改。是否先保存？</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Autosave failed: %1</source>
        <translation>自动保存失败：%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>an unsaved project</source>
        <translation>一个未保存的项目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the project %1</source>
        <translation>项目 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stillmotion did not shut down cleanly. An autosave of %1 from %2 is available.</source>
        <translation>Stillmotion 未正常关闭。有一个 %1 的自动保存（%2）可用。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decide Later</source>
        <translation>稍后决定</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot restore the autosave</source>
        <translation>无法恢复自动保存</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Restored the autosave; save the project to keep it</source>
        <translation>已恢复自动保存；请保存项目以保留它</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot discard the autosave</source>
        <translation>无法丢弃自动保存</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Settings saved. Device, threads and precision apply to the next model load; the language to the next start.</source>
        <translation>设置已保存。设备、线程数和精度在下次加载模型时生效；语言在下次启动时生效。</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Select the frames to regenerate in the timeline first.</source>
        <translation>请先在时间线中选择要重新生成的帧。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing to animate</source>
        <translation>没有可制作动画的内容</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open an image first (File ▸ Open Image, Ctrl+V to paste, or drop one onto the window).</source>
        <translation>请先打开图像（文件 ▸ 打开图像，Ctrl+V 粘贴，或拖放到窗口中）。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Describe the motion first</source>
        <translation>请先描述运动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Frame %1 has no prompt and the project prompt is empty. The model animates what the prompt describes: type one in the Generate panel (e.g. “the boat drifts to the right”), or give the frame its own prompt in the Frame panel.</source>
        <translation>第 %1 帧没有提示词，项目提示词也为空。模型会按提示词的描述生成动画：请在“生成”面板中输入一个（例如“小船向右漂去”），或在“帧”面板中为该帧设置单独的提示词。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No model to generate with</source>
        <translation>没有可用于生成的模型</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>New seeds for regenerated frames</source>
        <translation>为重新生成的帧设置新种子</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New seed</source>
        <translation>新种子</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Generating %n frame(s)…</source>
        <translation>
            <numerusform>正在生成 %n 帧…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+49"/>
        <source>Generated %n frame(s)</source>
        <translation>
            <numerusform>已生成 %n 帧</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Generation cancelled; %n finished frame(s) kept</source>
        <translation>
            <numerusform>生成已取消；保留了 %n 个已完成的帧</numerusform>
        </translation>
    </message>
    <message>
        <location line="+18"/>
        <source>frame %1 of %2 · step %3/%4 · %5 left</source>
        <translation>第 %1/%2 帧 · 第 %3/%4 步 · 剩余 %5</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>frame %1 of %2 · step %3/%4</source>
        <translation>第 %1/%2 帧 · 第 %3/%4 步</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>generating frame %1 (live preview)</source>
        <translation>正在生成第 %1 帧（实时预览）</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>failed to load</source>
        <translation>加载失败</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1

%2

%3</source>
        <translation>%1

%2

%3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Generation failed</source>
        <translation>生成失败</translation>
    </message>
    <message>
        <location line="+91"/>
        <source>Cannot open recent file</source>
        <translation>无法打开最近的文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 no longer exists.</source>
        <translation>%1 已不存在。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Clear List</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No image</source>
        <translation>无图像</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%1 × %2 px · crop %3 × %4 at (%5, %6) → %7 × %8 · %n frame(s)</source>
        <translation>
            <numerusform>%1 × %2 像素 · 裁剪 %3 × %4，位于 (%5, %6) → %7 × %8 · %n 帧</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sm::ui::ModelCatalog</name>
    <message>
        <location filename="../ui/model_catalog.cpp" line="+114"/>
        <source>%1 was not found. It may have been moved, renamed or deleted: add it again from its new place, or remove it from the list.</source>
        <translation>未找到 %1。它可能已被移动、重命名或删除：请从新位置重新添加，或将其从列表中删除。</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <location line="+122"/>
        <source>What to do: the weights are gone from %1. Add them again from their new place, or remove the entry.</source>
        <translation>解决方法：权重已不在 %1。请从新位置重新添加，或删除该条目。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What to do: install a Stillmotion build that includes the inference engine.</source>
        <translation>解决方法：请安装包含推理引擎的 Stillmotion 版本。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What to do: close other programs, choose float16 precision in Settings, or use smaller weights.</source>
        <translation>解决方法：关闭其他程序，在设置中选择 float16 精度，或使用更小的权重。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What to do: check that the download finished (compare the file size or checksum with the source), that the file is a Pix2Gif or Cinemo checkpoint (.ckpt, .safetensors or a diffusers folder), and add it again. If the file is damaged, download it again.</source>
        <translation>解决方法：检查下载是否完整（将文件大小或校验和与来源比较），确认文件是 Pix2Gif 或 Cinemo 检查点（.ckpt、.safetensors 或 diffusers 文件夹），然后重新添加。如果文件已损坏，请重新下载。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>This project uses the %1 weights “%2”, which are not installed here. Add them in the Model Manager (Model ▸ Manage Models…), or choose other weights in the Generate panel.</source>
        <translation>此项目使用 %1 权重“%2”，但本机未安装。请在模型管理器中添加（模型 ▸ 管理模型…），或在“生成”面板中选择其他权重。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>There are no usable %1 weights yet; a .safetensors or .ckpt file or a diffusers folder will do.</source>
        <translation>尚无可用的 %1 权重；.safetensors 或 .ckpt 文件或 diffusers 文件夹均可。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>No model found: add one in the Model Manager (Model ▸ Manage Models…).</source>
        <translation>未找到模型：请在模型管理器中添加一个（模型 ▸ 管理模型…）。</translation>
    </message>
</context>
<context>
    <name>sm::ui::ModelManagerDialog</name>
    <message>
        <location filename="../ui/model_manager.cpp" line="+27"/>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 M</source>
        <translation>%1 M</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Model Manager</source>
        <translation>模型管理器</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Weights for Pix2Gif and Cinemo. Bundled demo models come first; add your own checkpoints (.ckpt, .safetensors) or diffusers folders. The default of each family is used when a project does not name its weights.</source>
        <translation>Pix2Gif 和 Cinemo 的权重。内置演示模型排在最前；可添加您自己的检查点（.ckpt、.safetensors）或 diffusers 文件夹。项目未指定权重时，使用各系列的默认权重。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Add File…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a single weights file (.ckpt, .safetensors, .pt, .bin).</source>
        <translation>添加单个权重文件（.ckpt、.safetensors、.pt、.bin）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a model folder (a diffusers folder, or our safetensors with a model card).</source>
        <translation>添加模型文件夹（diffusers 文件夹，或带模型卡的 safetensors）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forget this entry; the files on disk are not touched. Bundled models cannot be removed.</source>
        <translation>忘记此条目；磁盘上的文件不受影响。内置模型无法删除。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Set as Default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use these weights for projects of this family that do not name their weights.</source>
        <translation>对未指定权重的该系列项目使用这些权重。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inspect Again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the weights once more to detect what they contain (after fixing a file).</source>
        <translation>重新加载权重以检测其内容（修复文件后使用）。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Add Weights File</source>
        <translation>添加权重文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weights (*.safetensors *.ckpt *.pt *.pth *.bin);;All files (*)</source>
        <translation>权重 (*.safetensors *.ckpt *.pt *.pth *.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add Model Folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <location line="+76"/>
        <source> (demo)</source>
        <translation>（演示）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> ★ default</source>
        <translation> ★ 默认</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>not inspected</source>
        <translation>未检查</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>inspecting…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>cannot be used</source>
        <translation>无法使用</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>No weights yet. Add a Pix2Gif or Cinemo checkpoint with Add File… or Add Folder….</source>
        <translation>尚无权重。请通过“添加文件…”或“添加文件夹…”添加 Pix2Gif 或 Cinemo 检查点。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 at %2 × %3, %4 parameters, %5 on %6</source>
        <translation>%1，%2 × %3，%4 参数，%5，运行于 %6</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Motion range %1–%2</source>
        <translation>运动范围 %1–%2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reading the weights…</source>
        <translation>正在读取权重…</translation>
    </message>
</context>
<context>
    <name>sm::ui::MotionCurve</name>
    <message>
        <location filename="../ui/motion_curve.cpp" line="+34"/>
        <source>Motion curve: the Pix2Gif motion value of every frame. Drag a point up or down; sweep across frames while dragging to draw the curve. Higher values move things further. Up/Down change the current frame.</source>
        <translation>运动曲线：每一帧的 Pix2Gif 运动值。上下拖动某个点；拖动时横扫多帧可绘制曲线。数值越高，物体移动越远。按上/下键可调整当前帧。</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Cinemo uses one motion intensity for the whole clip</source>
        <translation>Cinemo 对整个片段使用同一个运动强度</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>frame 1</source>
        <translation>第 1 帧</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>frame %1</source>
        <translation>第 %1 帧</translation>
    </message>
</context>
<context>
    <name>sm::ui::PreviewPlayer</name>
    <message>
        <location filename="../ui/preview_player.cpp" line="+79"/>
        <source>source</source>
        <translation>源图像</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Generated frames play here.</source>
        <translation>生成的帧将在此播放。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Play or pause the animation (Space).</source>
        <translation>播放或暂停动画（空格键）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scrub through the generated frames.</source>
        <translation>拖动浏览已生成的帧。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source> fps</source>
        <translation> fps</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Playback speed; it is also the frame rate of the export.</source>
        <translation>播放速度；同时也是导出的帧率。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loop</source>
        <translation>循环</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ping-pong</source>
        <translation>往返</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Once</source>
        <translation>单次</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loop: start over after the last frame. Ping-pong: play forwards, then backwards. Once: stop at the last frame.</source>
        <translation>循环：播放到最后一帧后从头开始。往返：先正向再反向播放。单次：在最后一帧停止。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Onion</source>
        <translation>洋葱皮</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Onion skin: show the previous frame faintly over the current one, to judge how smooth the motion is (O).</source>
        <translation>洋葱皮：在当前帧上淡淡显示上一帧，用于判断运动是否流畅（O）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Source</source>
        <translation>源图像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Side by side: show the cropped source image next to the frame (B).</source>
        <translation>并排显示：在帧旁边显示裁剪后的源图像（B）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>As GIF</source>
        <translation>GIF 效果</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>As exported: show the frames as the GIF export will look after colour reduction to a 256-colour palette, with the estimated file size (X).</source>
        <translation>按导出效果：显示 GIF 导出在缩减为 256 色调色板后的样子，并显示估计的文件大小（X）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Estimated size of the GIF with the current export quality.</source>
        <translation>按当前导出质量估计的 GIF 大小。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Set frame rate</source>
        <translation>设置帧率</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>estimating GIF size…</source>
        <translation>正在估算 GIF 大小…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF ≈ %1</source>
        <translation>GIF ≈ %1</translation>
    </message>
    <message>
        <location line="+164"/>
        <source>frame %1</source>
        <translation>第 %1 帧</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · as exported</source>
        <translation> · 导出效果</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>GIF preview failed: %1</source>
        <translation>GIF 预览失败：%1</translation>
    </message>
</context>
<context>
    <name>sm::ui::ProjectDocument</name>
    <message>
        <location filename="../ui/project_document.cpp" line="+197"/>
        <source>Edit prompt</source>
        <translation>编辑提示词</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Change model</source>
        <translation>更换模型</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Move crop</source>
        <translation>移动裁剪框</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Edit prompt of frame %1</source>
        <translation>编辑第 %1 帧的提示词</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Set motion of frame %1</source>
        <translation>设置第 %1 帧的运动值</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Set seed of frame %1</source>
        <translation>设置第 %1 帧的种子</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Edit motion curve</source>
        <translation>编辑运动曲线</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Set motion of all frames</source>
        <translation>设置所有帧的运动值</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>Add %n frame(s)</source>
        <translation>
            <numerusform>添加 %n 帧</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>Remove %n frame(s)</source>
        <translation>
            <numerusform>删除 %n 帧</numerusform>
        </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Reorder frames</source>
        <translation>调整帧顺序</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Set number of frames to %1</source>
        <translation>将帧数设为 %1</translation>
    </message>
</context>
<context>
    <name>sm::ui::SettingsDialog</name>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="+35"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Folders whose weights files and model folders all appear in the Model Manager and the Weights box.</source>
        <translation>这些文件夹中的所有权重文件和模型文件夹都会出现在模型管理器和“权重”列表中。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a folder to search for model weights.</source>
        <translation>添加一个用于搜索模型权重的文件夹。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop searching the selected folder (its files are not deleted).</source>
        <translation>不再搜索所选文件夹（其中的文件不会被删除）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Model folders</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic (CUDA when available)</source>
        <translation>自动（可用时使用 CUDA）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where the model runs. A CUDA GPU is many times faster than the CPU; the CPU always works. Takes effect when the next model loads.</source>
        <translation>模型运行的位置。CUDA GPU 比 CPU 快许多倍；CPU 始终可用。在下次加载模型时生效。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All cores (%1)</source>
        <translation>所有核心（%1）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU threads for inference. Fewer threads leave the computer more responsive while generating.</source>
        <translation>用于推理的 CPU 线程数。线程越少，生成时电脑响应越流畅。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU threads</source>
        <translation>CPU 线程</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>float32 (exact, most memory)</source>
        <translation>float32（精确，占用内存最多）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>float16 (half the memory, GPU)</source>
        <translation>float16（内存减半，GPU）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bfloat16 (half the memory, newer GPUs and CPUs)</source>
        <translation>bfloat16（内存减半，较新的 GPU 和 CPU）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Number format of the weights. Half precision needs half the memory and is faster on GPUs, with results that differ very slightly.</source>
        <translation>权重的数值格式。半精度只需一半内存，在 GPU 上更快，结果会有极细微的差别。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No live preview</source>
        <translation>无实时预览</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> steps</source>
        <translation> 步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How often a rough preview of the frame being generated is shown. Fewer previews cost slightly less time.</source>
        <translation>显示正在生成的帧的粗略预览的频率。预览越少，耗时越少。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Live preview every</source>
        <translation>实时预览间隔</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The language of the interface. It changes the next time Stillmotion starts.</source>
        <translation>界面语言。将在下次启动 Stillmotion 时生效。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Device, threads and precision apply to the next model load; the language to the next start.</source>
        <translation>设备、线程数和精度在下次加载模型时生效；语言在下次启动时生效。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Put every setting on this page back to its default (applied with OK).</source>
        <translation>将此页上的所有设置恢复为默认值（点击“确定”后生效）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add Model Folder</source>
        <translation>添加模型文件夹</translation>
    </message>
</context>
<context>
    <name>sm::ui::TimelinePanel</name>
    <message>
        <location filename="../ui/timeline_panel.cpp" line="+20"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add Frame</source>
        <translation>添加帧</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add a frame after the current one; its motion continues the curve (Insert).</source>
        <translation>在当前帧之后添加一帧；其运动值延续曲线（Insert）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy the selected frames, with their prompt, motion and seed, after the selection (Ctrl+D).</source>
        <translation>将所选帧连同提示词、运动值和种子复制到所选内容之后（Ctrl+D）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the selected frames from the animation (Delete).</source>
        <translation>从动画中删除所选帧（Delete）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Earlier</source>
        <translation>前移</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move the selected frames one place earlier (Alt+Left).</source>
        <translation>将所选帧向前移动一位（Alt+左）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Later</source>
        <translation>后移</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move the selected frames one place later (Alt+Right).</source>
        <translation>将所选帧向后移动一位（Alt+右）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select All Frames</source>
        <translation>选择所有帧</translation>
    </message>
</context>
<context>
    <name>sm::ui::TrainingPanel</name>
    <message>
        <location filename="../ui/training_panel.cpp" line="+93"/>
        <source>The training engine is not available in this build. You can import and curate datasets; training needs a build with the trainer.</source>
        <translation>此版本中没有训练引擎。您可以导入和整理数据集；训练需要包含训练器的版本。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Trainer: %1</source>
        <translation>训练器：%1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>step %1 — %2</source>
        <translation>第 %1 步 — %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Import GIFs/Videos…</source>
        <translation>导入 GIF/视频…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add clips to the dataset. Frame pairs are measured with optical flow; pairs whose motion lies in 2–19 are kept, at most 10 per clip, spread over that range.</source>
        <translation>将片段添加到数据集。使用光流测量帧对；保留运动值在 2–19 之间的帧对，每个片段最多 10 对，并在该范围内均匀分布。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import Folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add every GIF and video in a folder and its subfolders. Captions come from a sidecar &lt;clip&gt;.txt, then captions.csv or captions.json in the clip&apos;s folder, then the file name. You can also drop clips and folders on this panel.</source>
        <translation>添加文件夹及其子文件夹中的所有 GIF 和视频。描述依次取自同名的 &lt;clip&gt;.txt 附属文件、片段所在文件夹中的 captions.csv 或 captions.json，最后取自文件名。也可以把片段和文件夹拖放到此面板上。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the selected clips from the dataset.</source>
        <translation>从数据集中删除所选片段。</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+9"/>
        <source>Clip</source>
        <translation>片段</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+9"/>
        <source>Frames</source>
        <translation>帧</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Pairs kept</source>
        <translation>保留的帧对</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Caption</source>
        <translation>描述文字</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Imported clips: frames read, pairs kept of those measured, and the caption (from a sidecar &lt;clip&gt;.txt, captions.csv or captions.json beside the clip, or else the file name).</source>
        <translation>已导入的片段：读取的帧数、测量的帧对中保留的数量，以及描述（取自附属文件 &lt;clip&gt;.txt、片段旁的 captions.csv 或 captions.json，否则取自文件名）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Motion</source>
        <translation>运动</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Flow (px)</source>
        <translation>光流（像素）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The curated training pairs: a start frame, a later frame and the motion between them, which the model learns to reproduce.</source>
        <translation>整理后的训练帧对：起始帧、之后的帧以及二者之间的运动，模型将学习重现这种运动。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>How many pairs teach each motion value. A flat histogram trains all motion values equally well.</source>
        <translation>每个运动值对应的帧对数量。直方图越平坦，各运动值的训练效果越均衡。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>motion</source>
        <translation>运动值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pairs</source>
        <translation>帧对</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cinemo motion level of each clip: 100 × (1 − mean SSIM) of consecutive frames of a 16-frame sample, 0 = still, 19 = most motion. Measured on the frames read for curation.</source>
        <translation>每个片段的 Cinemo 运动等级：16 帧样本中相邻帧的 100 × (1 − 平均 SSIM)，0 = 静止，19 = 运动最强。基于整理时读取的帧测量。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>SSIM motion level</source>
        <translation>SSIM 运动等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clips</source>
        <translation>片段</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import Clips</source>
        <translation>导入片段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Animations and videos (*.gif *.webp *.mp4 *.mov *.mkv *.webm *.avi);;All files (*)</source>
        <translation>动画和视频 (*.gif *.webp *.mp4 *.mov *.mkv *.webm *.avi);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Import Folder</source>
        <translation>导入文件夹</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The weights training starts from: a Pix2Gif checkpoint to fine-tune, or Stable Diffusion 1.5 to train a new one.</source>
        <translation>训练的起始权重：用于微调的 Pix2Gif 检查点，或用于训练新模型的 Stable Diffusion 1.5。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start from</source>
        <translation>起始模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checkpoints and sample frames are written here.</source>
        <translation>检查点和样例帧将写入此处。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Step size of the optimiser. Too high ruins the model; too low learns nothing. Pix2Gif used 0.0001.</source>
        <translation>优化器的步长。过高会毁掉模型；过低则学不到东西。Pix2Gif 使用 0.0001。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Steps over which the learning rate rises from almost zero, so the first updates do not damage the starting weights.</source>
        <translation>学习率从接近零开始上升所用的步数，以免最初的更新破坏起始权重。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pairs per step. Larger batches need more memory.</source>
        <translation>每步的帧对数。批次越大，所需内存越多。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>批次大小</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Steps whose gradients are summed before one update: a larger effective batch without more memory.</source>
        <translation>在一次更新前累加梯度的步数：无需更多内存即可获得更大的有效批次。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gradient accumulation</source>
        <translation>梯度累积</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Training stops after this many updates. The published checkpoints used about 25 000.</source>
        <translation>训练在达到此更新次数后停止。已发布的检查点约使用了 25 000 次。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Write a checkpoint every this many steps; each one can be loaded as a model.</source>
        <translation>每隔这么多步写入一个检查点；每个检查点都可作为模型加载。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoint every</source>
        <translation>检查点间隔</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Generate a sample frame every this many steps to watch progress.</source>
        <translation>每隔这么多步生成一个样例帧，以便观察进度。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample every</source>
        <translation>样例间隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exponential moving average</source>
        <translation>指数移动平均</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep a smoothed copy of the weights; it usually generates better than the raw weights.</source>
        <translation>保留一份平滑后的权重副本；它的生成效果通常优于原始权重。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Not available: the trainer runs on the CPU, which trains in float32 only. Half precision needs a GPU trainer.</source>
        <translation>不可用：训练器在 CPU 上运行，CPU 只能以 float32 训练。半精度需要 GPU 训练器。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Number format for training. The CPU trainer trains in float32 only, so float16 and bfloat16 are disabled.</source>
        <translation>训练使用的数值格式。CPU 训练器只能以 float32 训练，因此 float16 和 bfloat16 已禁用。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Random horizontal flip</source>
        <translation>随机水平翻转</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mirror half of the pairs (source and target together). Doubles the variety of the data; the model then moves things left and right equally well. Turn it off when the direction matters, e.g. text.</source>
        <translation>将一半的帧对水平镜像（源帧和目标帧一起）。数据多样性加倍，模型向左和向右的运动学得同样好。方向重要时（例如文字）请关闭。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Train the text encoder</source>
        <translation>同时训练文本编码器</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Also train the CLIP text encoder. Leave it off when fine-tuning a Stable Diffusion or InstructPix2Pix model: their CLIP already understands prompts (the authors keep it frozen). Turn it on for a model built from scratch, whose random text encoder otherwise hides words such as directions from the model.</source>
        <translation>同时训练 CLIP 文本编码器。微调 Stable Diffusion 或 InstructPix2Pix 模型时请保持关闭：它们的 CLIP 已能理解提示词（作者也将其冻结）。从零构建的模型请打开，否则其随机文本编码器会让模型难以识别方向等词语。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>How often the prompt, the source image or both are hidden from the model during training (this fraction each). It teaches the unconditional predictions that the guidance scales need; 0 makes the guidance scales ineffective. Pix2Gif used 0.05.</source>
        <translation>训练时对模型隐藏提示词、源图像或两者的频率（各占此比例）。它让模型学会引导强度所需的无条件预测；设为 0 会使引导强度失效。Pix2Gif 使用 0.05。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Conditioning dropout</source>
        <translation>条件丢弃率</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Weight of the perceptual loss, which compares VGG features of the generated and the real frame: higher keeps textures and edges of the source sharper, too high smears the motion. 0 turns it off. Pix2Gif used 0.01.</source>
        <translation>感知损失的权重，该损失比较生成帧与真实帧的 VGG 特征：越高源图像的纹理和边缘越清晰，过高会使运动模糊。0 表示关闭。Pix2Gif 使用 0.01。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Perceptual loss weight</source>
        <translation>感知损失权重</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>none: random VGG features</source>
        <translation>无：随机 VGG 特征</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>VGG19 ImageNet weights file (torchvision vgg19-dcbc3e09.pth); without it the perceptual loss uses fixed random VGG features.</source>
        <translation>VGG19 ImageNet 权重文件（torchvision vgg19-dcbc3e09.pth）；没有它时，感知损失使用固定的随机 VGG 特征。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose the VGG19 weights file.</source>
        <translation>选择 VGG19 权重文件。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>VGG19 weights</source>
        <translation>VGG19 权重</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Without VGG19 weights the perceptual loss uses fixed random VGG features, which guide it less well than ImageNet features.</source>
        <translation>没有 VGG19 权重时，感知损失使用固定的随机 VGG 特征，其引导效果不如 ImageNet 特征。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Denoising steps (DPM++ 2M Karras) of each sample frame. More steps give cleaner samples and take longer; they do not change the trained weights.</source>
        <translation>每个样例帧的去噪步数（DPM++ 2M Karras）。步数越多样例越干净、耗时越长；不会改变训练出的权重。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sample steps</source>
        <translation>样例步数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All cores</source>
        <translation>全部核心</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU threads the trainer uses. Fewer keep the computer responsive and make training slower; the result is the same.</source>
        <translation>训练器使用的 CPU 线程数。较少的线程可让计算机保持响应，但训练更慢；结果相同。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>VGG19 Weights</source>
        <translation>VGG19 权重</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PyTorch weights (*.pth *.pt *.safetensors);;All files (*)</source>
        <translation>PyTorch 权重 (*.pth *.pt *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+29"/>
        <location line="+538"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location line="-537"/>
        <source>Start training on the curated pairs.</source>
        <translation>使用整理好的帧对开始训练。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause after the current step; Resume continues where it stopped.</source>
        <translation>在当前步完成后暂停；“继续”将从暂停处接着训练。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>End training after the current step and write a last checkpoint.</source>
        <translation>在当前步完成后结束训练，并写入最后一个检查点。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume from Last Checkpoint</source>
        <translation>从上一个检查点继续</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Continue an earlier run from the last checkpoint in the output folder (checkpoints/last.safetensors) with its step count, optimiser state and learning-rate schedule, instead of starting over.</source>
        <translation>从输出文件夹中的上一个检查点（checkpoints/last.safetensors）继续之前的训练，沿用其步数、优化器状态和学习率计划，而不是从头开始。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Checkpoints</source>
        <translation>检查点</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checkpoints written so far, and the finished model. Double-click one (or select it and press Generate with This) to generate with it in the studio.</source>
        <translation>目前已写入的检查点以及训练完成的模型。双击其中一项（或选中后按“用它生成”）即可在工作室中用它生成。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generate with This</source>
        <translation>用它生成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add the selected checkpoint or model to the Model Manager and generate with it.</source>
        <translation>将选中的检查点或模型添加到模型管理器并用它生成。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Training loss (should fall and level off) and the learning rate (right axis).</source>
        <translation>训练损失（应下降并趋于平稳）和学习率（右轴）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+7"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+5"/>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sample frames</source>
        <translation>样例帧</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Frames generated with the weights as they train.</source>
        <translation>训练过程中用当前权重生成的帧。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Training engine not available in this build.</source>
        <translation>此版本中没有训练引擎。</translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>measuring motion in %n clip(s)…</source>
        <translation>
            <numerusform>正在测量 %n 个片段的运动…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+18"/>
        <source>no GIF or video files in this folder (%1)</source>
        <translation>此文件夹中没有 GIF 或视频文件（%1）</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message numerus="yes">
        <location line="+40"/>
        <source>%n clip(s)</source>
        <translation>
            <numerusform>%n 个片段</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n pair(s)</source>
        <translation>
            <numerusform>%n 个帧对</numerusform>
        </translation>
    </message>
    <message>
        <location line="+122"/>
        <source>Cannot resume: there is no checkpoint at %1. Start a new run, or set the output folder to the one of the run to continue.</source>
        <translation>无法继续：%1 处没有检查点。请开始新的训练，或将输出文件夹设为要继续的那次训练的文件夹。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cannot start training: %1</source>
        <translation>无法开始训练：%1</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Paused.</source>
        <translation>已暂停。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopping after this step…</source>
        <translation>将在此步完成后停止…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Finished.</source>
        <translation>已完成。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>finished model — %1</source>
        <translation>训练完成的模型 — %1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Step %1 of %2 · loss %3 · elapsed %4 · remaining %5</source>
        <translation>第 %1/%2 步 · 损失 %3 · 已用 %4 · 剩余 %5</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
</context>
</TS>
